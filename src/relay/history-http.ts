/**
 * `GET /history?soul=<soul>&after=<key>&limit=<n>`, `GET /history?soul=<soul>&before=<key>&limit=<n>` (the newest
 * `n` keys before `before`, for paging back in history) and `GET /history?soul=<soul>&key=<key>`: stored values of
 * one GUN node over plain HTTP, in key order, from the relay's graph store.
 *
 * Apps use it where GUN's own reads fall short (docs/PROTOCOL.md, "Catch-up and gaps"): a returning device reads only
 * what is newer than the last key it holds (message ids are time-sortable), a missing message is asked for again by
 * its key (a browser's GUN answers a key it has seen from memory and never asks a relay again), and the service
 * worker reads the newest message behind a push without running GUN. Values are returned exactly as stored; a
 * message envelope is signed by its author inside (docs/PROTOCOL.md, "Envelopes") and verified by the reader, so a
 * relay cannot forge what it serves, only withhold it. Only user-space souls (`~<pub>/…`) are served; anything else is a 400.
 *
 * Answer: `{ "entries": [[key, stored value, state], …], "more": bool }` (a user-space value as GUN stores it:
 * `{":": value, "~": GUN signature}` as JSON); errors are JSON `{ "error": code, "message": text }`. Each address
 * may ask DEFAULT_HISTORY_PER_SECOND times a second on average (429 `rate` past it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphStore } from './graph-store.js';

/** Most entries in one answer. */
export const MAX_HISTORY_ENTRIES = 500;
/** Most value characters in one answer (at least one entry is always sent). */
export const MAX_HISTORY_CHARS = 1024 * 1024;

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Max-Age': '600',
};

/** A user-space soul as Meshdrop writes them: `~<pub>/md1/<part>/…`, no control characters, bounded. */
const SOUL = /^~[A-Za-z0-9_.-]{20,120}\/md1(\/[A-Za-z0-9_.~-]{1,200}){1,4}$/;
const KEY = /^[\x21-\x7e]{1,200}$/;

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...CORS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Requests per second one address may make on average (default), in bursts of HISTORY_BURST_SECONDS × that. */
export const DEFAULT_HISTORY_PER_SECOND = 50;
/** A start-up catch-up asks once per followed node (members × chats) at once: bursts of this many seconds' worth. */
const HISTORY_BURST_SECONDS = 10;
/** Addresses tracked at most; past it the table starts afresh (a flood from many addresses is not held back here). */
const MAX_TRACKED = 10_000;

/** Token buckets per address (0 per second: no limit). */
export class RateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly perSecond: number) {}

  /** Takes one request's token; false when the address is over its rate. */
  take(address: string, now = Date.now()): boolean {
    if (this.perSecond <= 0) return true;
    const burst = this.perSecond * HISTORY_BURST_SECONDS;
    if (!this.buckets.has(address) && this.buckets.size >= MAX_TRACKED) this.buckets.clear();
    const b = this.buckets.get(address) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    this.buckets.set(address, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/** Options of the /history handler. */
export interface HistoryHandlerOptions {
  /** The address a request counts against (the proxy's client address when the relay trusts one). */
  clientOf?: (req: IncomingMessage) => string;
  /** Requests per second per address (DEFAULT_HISTORY_PER_SECOND; 0: no limit). */
  perSecond?: number;
}

/** Returns a handler that answers /history requests (true) and leaves every other path alone (false). */
export function createHistoryHandler(store: GraphStore, opts: HistoryHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => boolean {
  // Every request reads a node and serializes up to 1 MB: one address must not keep the relay busy doing that.
  const rate = new RateLimit(opts.perSecond ?? DEFAULT_HISTORY_PER_SECOND);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    if (url.pathname !== '/history') return false;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
      return true;
    }
    if (!rate.take(opts.clientOf ? opts.clientOf(req) : (req.socket.remoteAddress ?? 'unknown'))) {
      res.writeHead(429, { ...CORS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Retry-After': '1' });
      res.end(JSON.stringify({ error: 'rate', message: 'too many history requests from this address; try again in a second' }));
      return true;
    }
    if (req.method !== 'GET') {
      reply(res, 405, { error: 'method', message: 'only GET' });
      return true;
    }
    const soul = url.searchParams.get('soul') ?? '';
    const after = url.searchParams.get('after');
    const key = url.searchParams.get('key');
    const before = url.searchParams.get('before');
    const limitRaw = url.searchParams.get('limit');
    const limit = limitRaw === null ? MAX_HISTORY_ENTRIES : Number(limitRaw);
    if (!SOUL.test(soul)) return reply(res, 400, { error: 'bad-soul', message: 'soul must be a Meshdrop user-space node (~<pub>/md1/…)' }), true;
    if ([after, key, before].some((k) => k !== null && !KEY.test(k))) return reply(res, 400, { error: 'bad-key', message: 'after/before/key must be 1–200 printable ASCII characters' }), true;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_ENTRIES) return reply(res, 400, { error: 'bad-limit', message: `limit must be 1–${MAX_HISTORY_ENTRIES}` }), true;
    store.read(soul).then(
      (all) => {
        if (key !== null) {
          const hit = all.find((e) => e.key === key);
          reply(res, 200, { entries: hit ? [[hit.key, hit.value, hit.state]] : [], more: false });
          return;
        }
        const entries: Array<[string, unknown, number]> = [];
        let chars = 0;
        let more = false;
        // Paging back: walk from the newest key before `before` downwards, then answer in key order.
        const walk = before === null ? all : all.filter((e) => e.key < before).reverse();
        for (const e of walk) {
          if (after !== null && e.key <= after) continue;
          if (e.value === null || e.value === undefined) continue; // deleted in GUN terms
          const size = typeof e.value === 'string' ? e.value.length : 9;
          if (entries.length >= limit || (entries.length > 0 && chars + size > MAX_HISTORY_CHARS)) {
            more = true;
            break;
          }
          entries.push([e.key, e.value, e.state]);
          chars += size;
        }
        if (before !== null) entries.reverse();
        reply(res, 200, { entries, more });
      },
      () => reply(res, 503, { error: 'busy', message: 'the relay could not read its store; try again' }),
    );
    return true;
  };
}
