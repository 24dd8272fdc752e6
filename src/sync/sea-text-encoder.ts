/**
 * SEA hashes every content-addressed value it puts or receives (a 350 KB file chunk) with `new TextEncoder().encode`,
 * which in Chromium costs several times more than `encodeInto` a buffer of the right size. SEA takes the encoder class
 * from the window once, while it loads: gun-runtime.ts installs this subclass just for that moment, then restores
 * the original, so nothing else on the page sees it. Same bytes out, for any input.
 */
const original = globalThis.TextEncoder;

export class ChunkFriendlyTextEncoder extends original {
  override encode(input?: string): Uint8Array<ArrayBuffer> {
    if (typeof input !== 'string' || input.length < 4096) return super.encode(input);
    // One byte per character is exactly right when every character is ASCII; anything else falls back.
    const out = new Uint8Array(input.length);
    return this.encodeInto(input, out).read === input.length ? out : super.encode(input);
  }
}

globalThis.TextEncoder = ChunkFriendlyTextEncoder;

export function restoreTextEncoder(): void {
  globalThis.TextEncoder = original;
}
