/**
 * HTTP face of the blob store: `PUT /blob/<sha256>` and `GET|HEAD /blob/<sha256>` with binary bodies (hash as
 * 64 hex or 43 base64url characters), CORS-open so an app served by another relay can use them.
 *
 * A GET for a blob this relay lacks is asked of its configured peers (`--peers`, their /gun URL turned into an
 * http base); the first copy whose hash checks out is kept and served, so a sender on relay 1 and a receiver on
 * relay 3 of a chain meet. Each relay adds its random id to `X-Meshdrop-Via` before asking on, and answers 404 at
 * once when its own id is already listed or the list is MAX_HOPS long: a loop of relays cannot recurse forever.
 *
 * Errors are JSON `{ "error": code, "message": text }`; the app maps the code to its own wording.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { blobMetrics } from './blob-metrics.js';
import { BlobRefused, normaliseHash, type BlobRefusal, type BlobStore } from './blob-store.js';

/** Relays one blob request may pass through. */
export const MAX_HOPS = 8;
export const VIA_HEADER = 'x-meshdrop-via';
export const STORED_AT_HEADER = 'x-meshdrop-stored-at';
const PEER_TIMEOUT_MS = 60_000;

const STATUS: Record<BlobRefusal | 'expired' | 'not-found' | 'method', number> = {
  'bad-hash': 400,
  'hash-mismatch': 400,
  incomplete: 400,
  'length-required': 411,
  'too-large': 413,
  quota: 429,
  'relay-full': 507,
  expired: 410,
  'not-found': 404,
  method: 405,
};

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, PUT, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Expose-Headers': 'Content-Length, X-Meshdrop-Stored-At',
  'Access-Control-Max-Age': '600',
};

/** The http(s) base of a relay given its GUN URL (ws://host:port/gun?x → http://host:port). */
export function httpBaseOf(gunUrl: string): string | undefined {
  try {
    const url = new URL(gunUrl);
    url.protocol = url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    const path = url.pathname.replace(/\/gun\/?$/, '').replace(/\/$/, '');
    return `${url.origin}${path}`;
  } catch {
    return undefined;
  }
}

function fail(res: ServerResponse, code: keyof typeof STATUS, message: string): void {
  if (code in STATUS && code !== 'not-found' && code !== 'expired') blobMetrics().refusals.inc({ reason: code });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // An oversized body is not read: close the connection after answering rather than drain it.
  const close = code === 'too-large' || code === 'length-required' ? { Connection: 'close' } : {};
  res.writeHead(STATUS[code], { ...CORS, 'Content-Type': 'application/json', ...close });
  res.end(JSON.stringify({ error: code, message }));
}

type PeerResult = 'stored' | 'expired' | 'missing';

export interface BlobHttpOptions {
  store: BlobStore;
  /** GUN URLs of the relays to ask for missing blobs (read on every miss). */
  peers: string[];
  /** Who pays for an upload (the relay's client address rule, which honours --trust-proxy). */
  clientOf?: (req: IncomingMessage) => string;
}

/** Returns a request handler that answers /blob/ requests (true) and leaves every other path alone (false). */
export function createBlobHandler({ store, peers, clientOf }: BlobHttpOptions) {
  const id = randomBytes(6).toString('hex');
  // Read on each miss (not once) so the peer list may be filled in after start.
  const basesOf = () => peers.map(httpBaseOf).filter((b): b is string => b !== undefined);
  const fetching = new Map<string, Promise<PeerResult>>();
  const metrics = blobMetrics();

  /** Asks each peer in turn; keeps the first copy whose hash checks out. */
  async function fromPeers(hash: string, via: string[]): Promise<PeerResult> {
    let expired = false;
    for (const base of basesOf()) {
      try {
        const res = await fetch(`${base}/blob/${hash}`, {
          headers: { [VIA_HEADER]: [...via, id].join(',') },
          signal: AbortSignal.timeout(PEER_TIMEOUT_MS),
        });
        if (res.status === 410) expired = true;
        if (!res.ok || !res.body) {
          await res.body?.cancel();
          continue;
        }
        const length = Number(res.headers.get('content-length') ?? NaN);
        const storedAt = Number(res.headers.get(STORED_AT_HEADER) ?? NaN);
        await store.put(hash, Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), Number.isSafeInteger(length) ? length : undefined, undefined, Number.isFinite(storedAt) ? storedAt : undefined);
        metrics.peerFetches.inc({ result: 'stored' });
        return 'stored';
      } catch (err) {
        metrics.peerFetches.inc({ result: err instanceof BlobRefused ? `refused-${err.code}` : 'error' });
      }
    }
    metrics.peerFetches.inc({ result: expired ? 'expired' : 'missing' });
    return expired ? 'expired' : 'missing';
  }

  async function get(req: IncomingMessage, res: ServerResponse, hash: string): Promise<void> {
    let blob = await store.get(hash);
    if (blob) metrics.hits.inc();
    else {
      metrics.misses.inc();
      const viaHeader = req.headers[VIA_HEADER];
      const via = (typeof viaHeader === 'string' ? viaHeader.split(',') : []).map((s) => s.trim()).filter(Boolean);
      let result: PeerResult = 'missing';
      if (!via.includes(id) && via.length < MAX_HOPS && peers.length > 0) {
        let pending = fetching.get(hash);
        if (!pending) {
          pending = fromPeers(hash, via).finally(() => fetching.delete(hash));
          fetching.set(hash, pending);
        }
        result = await pending;
        if (result === 'stored') blob = await store.get(hash);
      }
      if (!blob) {
        if (store.isExpired(hash) || result === 'expired') {
          return fail(res, 'expired', 'This file expired on the relay; ask the sender to send it again.');
        }
        return fail(res, 'not-found', 'No relay here has this blob (yet).');
      }
    }
    res.writeHead(200, {
      ...CORS,
      'Content-Type': 'application/octet-stream',
      'Content-Length': blob.size,
      'Cache-Control': 'no-store',
      [STORED_AT_HEADER]: String(blob.storedAt),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    metrics.servedBytes.inc(blob.size);
    const stream = blob.open();
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  async function put(req: IncomingMessage, res: ServerResponse, hash: string): Promise<void> {
    const raw = req.headers['content-length'];
    const length = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
    const client = clientOf ? clientOf(req) : (req.socket.remoteAddress ?? 'unknown');
    try {
      const created = await store.put(hash, req, length, client);
      res.writeHead(created ? 201 : 200, { ...CORS, 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok: true, hash, stored: created }));
    } catch (err) {
      if (err instanceof BlobRefused) {
        req.resume();
        return fail(res, err.code, err.message);
      }
      throw err;
    }
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith('/blob/')) return false;
    const hash = normaliseHash(path.slice('/blob/'.length));
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS).end();
        return true;
      }
      if (!hash) {
        fail(res, 'bad-hash', 'A blob is named by its SHA-256: 64 hex or 43 base64url characters.');
        return true;
      }
      if (req.method === 'GET' || req.method === 'HEAD') await get(req, res, hash);
      else if (req.method === 'PUT') await put(req, res, hash);
      else fail(res, 'method', 'Use GET, HEAD or PUT.');
    } catch (err) {
      console.error('meshdrop-relay: blob request failed:', err);
      if (!res.headersSent) res.writeHead(500, { ...CORS, 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'internal', message: 'The relay failed to handle this blob.' }));
      else res.destroy();
    }
    return true;
  };
}
