/**
 * The relay's total disk budget (`--max-disk`): everything under the data folder (the graph's node files, the blob
 * store in `<data>/blobs/`, the quota ledger) counts. The folder is measured at start and re-measured every few
 * seconds; bytes accepted in between are added to the last measure, so a burst of writes cannot slip past the
 * budget while waiting for the next measure. The file system's own free space is respected too: below
 * `reserveBytes` free, nothing more is stored whatever the budget says.
 */
import { lstat, readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** Time a write may take from being accepted to being in the data folder (appended, and acked, within milliseconds; kept as a margin). */
const WRITE_LAG_MS = 2_000;

/** Free space always left on the data folder's file system. */
export const DEFAULT_DISK_RESERVE = 64 * 1024 * 1024;

export interface DiskBudgetOptions {
  /** Largest size of the data folder in bytes; 0 = no budget (the file system's free space still counts). */
  maxBytes: number;
  /** How often the folder is measured again. */
  measureEveryMs?: number;
  /** Free bytes always left on the file system. */
  reserveBytes?: number;
}

/** Bytes under `dir` (files' sizes, recursively; a missing folder is 0). `bySubdir` gets the total per top-level folder. */
export async function folderBytes(dir: string, bySubdir?: Map<string, number>): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = await folderBytes(path);
      bySubdir?.set(e.name, sub);
      total += sub;
    } else {
      try {
        total += (await lstat(path)).size;
      } catch {
        /* removed while measuring (a node file being compacted is renamed into place) */
      }
    }
  }
  return total;
}

/** Tracks how full the data folder is; `canStore` is what the write paths (graph, blobs) ask before storing. */
export class DiskBudget {
  private measured = 0;
  /** Bytes accepted since, in one bucket per second: [second, bytes]. */
  private added: Array<[number, number]> = [];
  private freeBytes = Number.POSITIVE_INFINITY;
  private readonly sub = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private measuring: Promise<void> | undefined;
  readonly maxBytes: number;
  private readonly reserveBytes: number;
  private readonly measureEveryMs: number;

  constructor(
    readonly dir: string,
    options: DiskBudgetOptions,
  ) {
    this.maxBytes = options.maxBytes;
    this.reserveBytes = options.reserveBytes ?? DEFAULT_DISK_RESERVE;
    this.measureEveryMs = options.measureEveryMs ?? 5_000;
  }

  /** Measures once, then keeps measuring in the background until `stop`. */
  async start(): Promise<void> {
    await this.measure();
    this.timer = setInterval(() => void this.measure(), this.measureEveryMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Measures the folder (and the file system's free space) now. */
  measure(): Promise<void> {
    this.measuring ??= (async () => {
      const startedAt = Date.now();
      const sub = new Map<string, number>();
      const bytes = await folderBytes(this.dir, sub);
      try {
        const fs = await statfs(this.dir);
        this.freeBytes = fs.bavail * fs.bsize;
      } catch {
        this.freeBytes = Number.POSITIVE_INFINITY;
      }
      this.measured = bytes;
      // Writes reach the disk a little after they are accepted (each is appended a moment later): bytes accepted in the
      // last WRITE_LAG_MS before the measure started may not be in it, so they stay counted (over-, not under-count).
      const seenUpTo = Math.floor((startedAt - WRITE_LAG_MS) / 1000);
      this.added = this.added.filter(([second]) => second >= seenUpTo);
      this.sub.clear();
      for (const [k, v] of sub) this.sub.set(k, v);
    })().finally(() => (this.measuring = undefined));
    return this.measuring;
  }

  /** Bytes the data folder holds now, as far as known (last measure plus what was accepted since). */
  used(): number {
    return this.measured + this.addedSince();
  }

  private addedSince(): number {
    let sum = 0;
    for (const [, bytes] of this.added) sum += bytes;
    return sum;
  }

  /** Bytes in one top-level sub-folder of the data folder (e.g. "blobs") at the last measure. */
  usedIn(subdir: string): number {
    return this.sub.get(subdir) ?? 0;
  }

  /** True if `bytes` more fit in the budget and in the file system's free space (less the reserve). */
  canStore(bytes: number): boolean {
    if (this.maxBytes > 0 && this.used() + bytes > this.maxBytes) return false;
    return this.freeBytes - this.addedSince() - bytes >= this.reserveBytes;
  }

  /** Records `bytes` accepted for storage (counted until the next measure sees them on disk). */
  add(bytes: number): void {
    const second = Math.floor(Date.now() / 1000);
    const last = this.added[this.added.length - 1];
    if (last && last[0] === second) last[1] += bytes;
    else this.added.push([second, bytes]);
  }
}
