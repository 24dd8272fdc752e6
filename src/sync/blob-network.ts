/**
 * Moves encrypted file chunks as binary blobs over plain HTTP to and from the relays' blob stores
 * (`PUT/GET /blob/<sha256>`, see docs/PROTOCOL.md), beside the GUN graph. A chunk is uploaded to two of the device's
 * relays at once (BLOB_COPIES) and downloaded from whichever relay has it or can get it. Relays fetch a missing blob
 * from their --peers, but the device's relays need not be meshed, and a recipient need not use the relay that took
 * the upload: with one copy, a file was lost to everyone who could not reach that one relay.
 */

/** Why the relays would not take or give a blob; core maps each code to the words the UI shows. */
export type BlobErrorCode = 'quota' | 'relay-full' | 'too-large' | 'expired' | 'refused' | 'unreachable';

export class BlobNetworkError extends Error {
  override name = 'BlobNetworkError';
  constructor(
    readonly code: BlobErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface BlobNetwork {
  /** Stores `bytes` under `hash` (base64url SHA-256) on a relay; throws BlobNetworkError if none accepts it. */
  put(hash: string, bytes: Uint8Array<ArrayBuffer>): Promise<void>;
  /** The blob's bytes, or undefined if no relay has it (yet); throws BlobNetworkError('expired') past retention. */
  get(hash: string): Promise<ArrayBuffer | undefined>;
}

/** The http(s) base of a relay given its GUN URL (ws://host:port/gun → http://host:port). */
export function blobBaseOf(gunUrl: string): string | undefined {
  try {
    const url = new URL(gunUrl);
    if (url.protocol === 'ws:') url.protocol = 'http:';
    if (url.protocol === 'wss:') url.protocol = 'https:';
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin + url.pathname.replace(/\/gun\/?$/, '').replace(/\/$/, '');
  } catch {
    return undefined;
  }
}

const REFUSALS: Record<string, BlobErrorCode> = { quota: 'quota', 'relay-full': 'relay-full', 'too-large': 'too-large' };
/** Order in which refusals are reported when every relay refused: the one the user can act on first. */
const SEVERITY: BlobErrorCode[] = ['unreachable', 'refused', 'too-large', 'relay-full', 'quota'];

async function errorCode(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : '';
  } catch {
    return '';
  }
}

/** How many relays keep each chunk (when the device has that many). */
export const BLOB_COPIES = 2;
/** How long the other copies may take once one relay has stored the chunk, before they are given up. */
const EXTRA_COPY_GRACE_MS = 15_000;
/** A relay that failed or refused an upload is asked last, and not for extra copies, for this long. */
const REST_MS = 60_000;

export class HttpBlobNetwork implements BlobNetwork {
  /** Relay that stored the last upload first: asked first next time (and first for downloads). */
  private preferred = 0;
  /** Relays (http bases) that failed an upload lately, until when. */
  private readonly resting = new Map<string, number>();

  constructor(
    /** GUN URLs of the relays this device uses. */
    private readonly relays: () => readonly string[],
    private readonly timeoutMs = 120_000,
  ) {}

  private bases(): string[] {
    return this.relays().map(blobBaseOf).filter((b): b is string => b !== undefined);
  }

  private isResting(base: string): boolean {
    return (this.resting.get(base) ?? 0) > Date.now();
  }

  /**
   * Stores the chunk on BLOB_COPIES relays at once: each of two slots takes the next relay that has not failed lately
   * (from the preferred one on) until one stores it. Resolves once one relay has it and the other copy is stored, has
   * failed, or has had EXTRA_COPY_GRACE_MS since. Only when none of those took it are the relays that failed lately
   * asked, one by one; throws the most actionable refusal when no relay took it.
   */
  async put(hash: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    const bases = this.bases();
    const rotated = bases.map((_, n) => bases[(this.preferred + n) % bases.length]!);
    const fresh = rotated.filter((b) => !this.isResting(b));
    const tired = rotated.filter((b) => this.isResting(b));
    const grace = new AbortController();
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    let first: string | undefined;
    let worst: BlobNetworkError | undefined;
    const attempt = async (base: string): Promise<boolean> => {
      const error = await this.putOne(base, hash, bytes, grace.signal);
      if (!error) {
        if (first === undefined) {
          first = base;
          // A dead or slow relay must not hold up every chunk: the other copy has a little longer, then it is dropped.
          graceTimer = setTimeout(() => grace.abort(), EXTRA_COPY_GRACE_MS);
        }
        return true;
      }
      this.resting.set(base, Date.now() + REST_MS);
      if (!worst || SEVERITY.indexOf(error.code) > SEVERITY.indexOf(worst.code)) worst = error;
      return false;
    };
    const slot = async (): Promise<void> => {
      for (let base = fresh.shift(); base !== undefined; base = fresh.shift()) if (await attempt(base)) return;
    };
    try {
      await Promise.all(Array.from({ length: Math.min(BLOB_COPIES, fresh.length) }, slot));
      for (const base of first === undefined ? tired : []) if (await attempt(base)) break;
    } finally {
      clearTimeout(graceTimer);
    }
    if (first === undefined) throw worst ?? new BlobNetworkError('unreachable', 'No relay is configured.');
    this.preferred = Math.max(0, bases.indexOf(first));
  }

  /** One PUT; the error it ended with, or undefined when the relay stored the blob. */
  private async putOne(base: string, hash: string, bytes: Uint8Array<ArrayBuffer>, cancel: AbortSignal): Promise<BlobNetworkError | undefined> {
    try {
      // A Blob body (not the bytes themselves): with DevTools' network domain attached (tests, benchmarks) Chromium
      // copies an in-memory body into the debugger on the page's main thread, ~1 s per 4 MiB on a loaded machine.
      const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), cancel]);
      const res = await fetch(`${base}/blob/${hash}`, { method: 'PUT', body: new Blob([bytes]), signal });
      if (res.ok) {
        await res.body?.cancel();
        return undefined;
      }
      const code = await errorCode(res);
      return new BlobNetworkError(REFUSALS[code] ?? 'refused', `Relay ${base} refused the upload (${res.status} ${code})`);
    } catch (err) {
      return new BlobNetworkError('unreachable', `Relay ${base} could not be reached: ${String(err)}`);
    }
  }

  async get(hash: string): Promise<ArrayBuffer | undefined> {
    const bases = this.bases();
    let expired = false;
    for (let n = 0; n < bases.length; n++) {
      const i = (this.preferred + n) % bases.length;
      try {
        const res = await fetch(`${bases[i]}/blob/${hash}`, { signal: AbortSignal.timeout(this.timeoutMs) });
        if (res.ok) return await res.arrayBuffer();
        if (res.status === 410) expired = true;
        await res.body?.cancel();
      } catch {
        /* this relay is down: ask the next */
      }
    }
    if (expired) throw new BlobNetworkError('expired', 'The file expired on the relay.');
    return undefined;
  }
}
