/**
 * Write quotas: how many bytes one writer may make this relay store per UTC day, and in all.
 *
 * A writer is a signing key (writes into `~<pub>` souls, counted once SEA has verified them), a connection, or a
 * client address. Keys are free to make, so the address also counts what a client writes under any key; a
 * connection counts its anonymous (`#…` and other unsigned) writes. Keys and addresses are kept in a small ledger
 * file so a restart does not hand out fresh quotas; connections live and die in memory.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Why a write was refused; the client maps the code to words (src/sync/relay-refusals.ts). */
export type QuotaRefusal = 'quota-day' | 'quota-stored';

/** Bytes allowed; 0 means no limit. */
export interface QuotaLimit {
  day: number;
  stored: number;
}

/** What one writer has used. */
export interface Usage {
  /** UTC day (YYYY-MM-DD) that `dayBytes` belongs to. */
  day: string;
  dayBytes: number;
  stored: number;
}

/** The UTC day of a time, as the ledger keys it. */
export const utcDay = (now: number): string => new Date(now).toISOString().slice(0, 10);

/** A fresh usage record. */
export const emptyUsage = (now: number): Usage => ({ day: utcDay(now), dayBytes: 0, stored: 0 });

/** Why `bytes` more would break `limit` for `usage` (read at `now`), or undefined when they fit. */
export function overQuota(usage: Usage | undefined, limit: QuotaLimit, bytes: number, now: number): QuotaRefusal | undefined {
  const dayBytes = usage && usage.day === utcDay(now) ? usage.dayBytes : 0;
  const stored = usage?.stored ?? 0;
  if (limit.stored > 0 && stored + bytes > limit.stored) return 'quota-stored';
  if (limit.day > 0 && dayBytes + bytes > limit.day) return 'quota-day';
  return undefined;
}

/** Adds `bytes` to `usage` (starting a new day's count when the UTC day changed). */
export function charge(usage: Usage, bytes: number, now: number): void {
  const day = utcDay(now);
  if (usage.day !== day) {
    usage.day = day;
    usage.dayBytes = 0;
  }
  usage.dayBytes += bytes;
  usage.stored += bytes;
}

/** Most writers the ledger file keeps; beyond that, the ones with the least stored and nothing today go first. */
export const MAX_LEDGER_ENTRIES = 200_000;

interface LedgerFile {
  v: 1;
  entries: Record<string, Usage>;
}

/** Usage per signing key and per address, saved to a JSON file now and then. */
export class QuotaLedger {
  private readonly entries = new Map<string, Usage>();
  private dirty = false;

  constructor(private readonly file: string) {}

  /** Reads the saved ledger; a missing or unreadable file starts an empty one (quotas then start afresh). */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return;
    }
    try {
      const parsed = JSON.parse(text) as LedgerFile;
      for (const [id, u] of Object.entries(parsed.entries ?? {})) {
        if (typeof u?.day === 'string' && Number.isFinite(u.dayBytes) && Number.isFinite(u.stored)) this.entries.set(id, u);
      }
    } catch {
      /* a torn write: start afresh rather than refuse to start */
    }
  }

  /** The usage of writer `id` (e.g. `key:<pub>`, `addr:1.2.3.4`), created on first use. */
  usage(id: string, now: number): Usage {
    let u = this.entries.get(id);
    if (!u) this.entries.set(id, (u = emptyUsage(now)));
    return u;
  }

  /** The usage of `id` if it has one (does not create it). */
  peek(id: string): Usage | undefined {
    return this.entries.get(id);
  }

  /** Charges `bytes` to writer `id`. */
  charge(id: string, bytes: number, now: number): void {
    charge(this.usage(id, now), bytes, now);
    this.dirty = true;
  }

  /** Number of writers known. */
  get size(): number {
    return this.entries.size;
  }

  /** Writes the ledger if it changed (atomically: temp file, then rename). */
  async save(now = Date.now()): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    this.prune(now);
    const body: LedgerFile = { v: 1, entries: Object.fromEntries(this.entries) };
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, JSON.stringify(body));
    await rename(tmp, this.file);
  }

  /** Keeps the ledger bounded: forgets the writers that matter least (nothing today, least stored). */
  prune(now: number, max = MAX_LEDGER_ENTRIES): void {
    if (this.entries.size <= max) return;
    const today = utcDay(now);
    const old = [...this.entries].filter(([, u]) => u.day !== today).sort((a, b) => a[1].stored - b[1].stored);
    for (const [id] of old) {
      if (this.entries.size <= max) break;
      this.entries.delete(id);
    }
  }
}
