/**
 * Moves encrypted file chunks as binary blobs over plain HTTP to and from the relays' blob stores
 * (`PUT/GET /blob/<sha256>`, see docs/PROTOCOL.md), beside the GUN graph. A chunk is uploaded to the first relay that
 * accepts it (relays fetch missing blobs from their peers, so one copy in the mesh is enough) and downloaded from
 * whichever relay has it or can get it.
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

export class HttpBlobNetwork implements BlobNetwork {
  /** Relay that accepted the last upload: asked first next time. */
  private preferred = 0;

  constructor(
    /** GUN URLs of the relays this device uses. */
    private readonly relays: () => readonly string[],
    private readonly timeoutMs = 120_000,
  ) {}

  private bases(): string[] {
    return this.relays().map(blobBaseOf).filter((b): b is string => b !== undefined);
  }

  async put(hash: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    const bases = this.bases();
    let worst: BlobNetworkError | undefined;
    for (let n = 0; n < bases.length; n++) {
      const i = (this.preferred + n) % bases.length;
      let error: BlobNetworkError;
      try {
        // A Blob body (not the bytes themselves): with DevTools' network domain attached (tests, benchmarks) Chromium
        // copies an in-memory body into the debugger on the page's main thread, ~1 s per 4 MiB on a loaded machine.
        const res = await fetch(`${bases[i]}/blob/${hash}`, { method: 'PUT', body: new Blob([bytes]), signal: AbortSignal.timeout(this.timeoutMs) });
        if (res.ok) {
          await res.body?.cancel();
          this.preferred = i;
          return;
        }
        const code = await errorCode(res);
        error = new BlobNetworkError(REFUSALS[code] ?? 'refused', `Relay ${bases[i]} refused the upload (${res.status} ${code})`);
      } catch (err) {
        error = new BlobNetworkError('unreachable', `Relay ${bases[i]} could not be reached: ${String(err)}`);
      }
      if (!worst || SEVERITY.indexOf(error.code) > SEVERITY.indexOf(worst.code)) worst = error;
    }
    throw worst ?? new BlobNetworkError('unreachable', 'No relay is configured.');
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
