/**
 * Reads stored values of one user-space node from a relay over HTTP (`GET /history`, src/relay/history-http.ts):
 * a returning device's catch-up after its last key, a message asked for again by its key, and the service worker's
 * read behind a push. Values come back as GUN would hand them to a subscriber (GUN's own signature wrapper taken
 * off, not checked): use it only for values the reader verifies itself, such as message envelopes, which their
 * author signs inside (a relay cannot forge one, only withhold it).
 */
import { blobBaseOf } from './blob-network.js';

/** One stored value of a node: `value` as a GUN subscriber would get it, and its HAM state. */
export interface HistoryEntry {
  key: string;
  value: unknown;
  state: number;
}

/** One answer: entries in key order, and whether more follow after the last one. */
export interface HistoryPage {
  entries: HistoryEntry[];
  more: boolean;
}

/** Why a history read failed. */
export class HistoryError extends Error {
  override name = 'HistoryError';
  constructor(
    readonly code: 'unreachable' | 'refused' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

/** Most entries asked for in one request (the relay's own cap is 500). */
export const HISTORY_PAGE = 500;

/**
 * Reads keys of `soul` after `after` (exclusive), or the newest ones before `before` (in key order; `more` says older
 * ones exist), or the one key `key`, from the relay at `relayUrl` (its GUN URL).
 */
export async function fetchHistory(
  relayUrl: string,
  soul: string,
  opts: { after?: string; before?: string; key?: string; limit?: number; signal?: AbortSignal } = {},
): Promise<HistoryPage> {
  const base = blobBaseOf(relayUrl);
  if (!base) throw new HistoryError('unreachable', `not a relay address: ${relayUrl}`);
  const query = new URLSearchParams({ soul });
  if (opts.after !== undefined) query.set('after', opts.after);
  if (opts.key !== undefined) query.set('key', opts.key);
  if (opts.before !== undefined) query.set('before', opts.before);
  query.set('limit', String(opts.limit ?? HISTORY_PAGE));
  let res: Response;
  try {
    res = await fetch(`${base}/history?${query}`, { cache: 'no-store', signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new HistoryError('unreachable', `relay ${base} not reachable: ${(err as Error).message}`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new HistoryError('malformed', `relay ${base} sent no JSON (${res.status})`);
  }
  if (!res.ok) throw new HistoryError('refused', `relay ${base} refused (${res.status}): ${(body as { message?: string })?.message ?? ''}`);
  return parsePage(body, base);
}

/** Checks an answer's shape: a relay is not trusted to send well-formed JSON. */
function parsePage(body: unknown, base: string): HistoryPage {
  const b = body as { entries?: unknown; more?: unknown };
  if (!b || !Array.isArray(b.entries) || typeof b.more !== 'boolean') throw new HistoryError('malformed', `relay ${base} sent a malformed history page`);
  const entries: HistoryEntry[] = [];
  for (const e of b.entries) {
    if (!Array.isArray(e) || e.length !== 3 || typeof e[0] !== 'string' || typeof e[2] !== 'number') throw new HistoryError('malformed', `relay ${base} sent a malformed history entry`);
    entries.push({ key: e[0], value: unpack(e[1]), state: e[2] });
  }
  return { entries, more: b.more };
}

/** A user-space value as stored (`{":": value, "~": signature}` as JSON) → the value; anything else as it is. */
export function unpack(stored: unknown): unknown {
  if (typeof stored !== 'string' || !stored.startsWith('{')) return stored;
  try {
    const packed = JSON.parse(stored) as { ':'?: unknown; '~'?: unknown };
    return packed && typeof packed === 'object' && ':' in packed && '~' in packed ? packed[':'] : stored;
  } catch {
    return stored;
  }
}

/**
 * Reads every key of `soul` after `after`, page by page, handing each page to `onPage` before asking for the next
 * (so a long backlog is processed while it arrives). Resolves with the last key seen.
 */
export async function readAfter(
  relayUrl: string,
  soul: string,
  after: string | undefined,
  onPage: (entries: HistoryEntry[]) => Promise<void> | void,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let cursor = after;
  for (;;) {
    const page = await fetchHistory(relayUrl, soul, { after: cursor, signal });
    if (page.entries.length > 0) {
      await onPage(page.entries);
      const last = page.entries[page.entries.length - 1]!.key;
      // A relay that does not move forward would loop for ever.
      if (cursor !== undefined && last <= cursor) throw new HistoryError('malformed', 'relay answered keys out of order');
      cursor = last;
    }
    if (!page.more || page.entries.length === 0) return cursor;
  }
}
