/**
 * The relay's content-addressed blob store on disk: file chunks live beside the graph as plain files named by
 * their SHA-256 (hex), `<dir>/<2 hex>/<64 hex>` (by default `<data>/blobs`; the graph lives apart in `<data>/nodes`,
 * graph-store.ts). A blob is written to a temp file while its bytes are
 * hashed and only renamed into place if the hash matches, so a refused or broken upload leaves nothing behind.
 *
 * Retention: a blob expires `keepMs` after it was stored (its mtime; a peer's copy keeps the origin's time). Expired
 * blobs are deleted by a periodic sweep (and at once when asked for), and their hash is remembered in a small
 * tombstone list so a GET can say "expired" rather than "unknown".
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { blobMetrics } from './blob-metrics.js';

/** The relay-wide disk budget the blob store asks before keeping anything (see the relay's --max-disk). */
export interface StorageBudget {
  canStore(bytes: number): boolean;
  /** Counts bytes just stored, so a burst is seen before the budget's next measurement of the folder. */
  add?(bytes: number): void;
}

export interface BlobStoreOptions {
  /** Folder of the blob store (created if missing). */
  dir: string;
  /** How long a blob is kept after it was stored. */
  keepMs: number;
  /** Largest blob accepted. */
  maxBlobBytes: number;
  /** Bytes one client address may upload per UTC day (0 = unlimited). */
  uploadQuotaBytes: number;
  budget?: StorageBudget;
  /** Clock, for tests. */
  now?: () => number;
}

/** Why a blob was refused; the HTTP layer maps each to a status and the app to a message. */
export type BlobRefusal = 'bad-hash' | 'hash-mismatch' | 'too-large' | 'length-required' | 'quota' | 'relay-full' | 'incomplete';

export class BlobRefused extends Error {
  override name = 'BlobRefused';
  constructor(
    readonly code: BlobRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** A stored blob ready to be streamed. */
export interface StoredBlob {
  size: number;
  storedAt: number;
  open(): ReadStream;
}

const HEX = /^[0-9a-f]{64}$/;
const B64URL = /^[A-Za-z0-9_-]{43}$/;
/** Tombstones kept at most (oldest dropped first): ~80 bytes each. */
const MAX_TOMBSTONES = 200_000;

/** The hex SHA-256 named by a URL segment in hex (64) or base64url (43), or undefined. */
export function normaliseHash(text: string): string | undefined {
  if (HEX.test(text)) return text;
  if (B64URL.test(text)) return Buffer.from(text, 'base64url').toString('hex');
  return undefined;
}

const utcDay = (ms: number) => Math.floor(ms / 86_400_000);

export class BlobStore {
  readonly dir: string;
  private readonly tmp: string;
  private readonly tombstoneFile: string;
  private tombstones = new Map<string, number>();
  private tombstonesDirty = false;
  private stored = 0;
  private readonly uploads = new Map<string, { day: number; bytes: number }>();
  private readonly now: () => number;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private untrack: () => void = () => undefined;
  private sweeping: Promise<void> | undefined;

  private constructor(readonly options: BlobStoreOptions) {
    this.dir = options.dir;
    this.tmp = join(this.dir, 'tmp');
    this.tombstoneFile = join(this.dir, 'expired.json');
    this.now = options.now ?? Date.now;
  }

  /** Opens (creating) the store, counts what is on disk, and starts the expiry sweep. */
  static async open(options: BlobStoreOptions): Promise<BlobStore> {
    const store = new BlobStore(options);
    await mkdir(store.tmp, { recursive: true });
    // Temp files of uploads cut off by a crash or kill are never completed: clear them.
    for (const name of await readdir(store.tmp)) await unlink(join(store.tmp, name)).catch(() => undefined);
    try {
      const saved = JSON.parse(await readFile(store.tombstoneFile, 'utf8')) as Record<string, number>;
      for (const [hash, at] of Object.entries(saved)) if (HEX.test(hash) && typeof at === 'number') store.tombstones.set(hash, at);
    } catch {
      /* none yet (or unreadable: tombstones are only a courtesy) */
    }
    await store.sweep();
    // Sweep often enough that a blob outlives its retention by at most a quarter of it (bounded 250 ms … 10 min).
    const every = Math.min(600_000, Math.max(250, Math.floor(options.keepMs / 4)));
    store.sweeper = setInterval(() => void store.sweep(), every);
    store.sweeper.unref();
    store.untrack = blobMetrics().trackStored(() => store.stored);
    return store;
  }

  /** Bytes of blobs on disk. */
  get storedBytes(): number {
    return this.stored;
  }

  private pathOf(hash: string): string {
    return join(this.dir, hash.slice(0, 2), hash);
  }

  /** The blob if stored and not expired; an expired one is deleted now (and reported by `expired`). */
  async get(hash: string): Promise<StoredBlob | undefined> {
    const path = this.pathOf(hash);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    if (info.mtimeMs + this.options.keepMs <= this.now()) {
      await this.expire(hash, info.size);
      return undefined;
    }
    return { size: info.size, storedAt: Math.round(info.mtimeMs), open: () => createReadStream(path) };
  }

  /** True if the blob was stored here once and has since expired (deleted by retention). */
  isExpired(hash: string): boolean {
    return this.tombstones.has(hash);
  }

  /** Refuses up front what quota or budget would refuse, so a client learns it before sending the body. */
  check(length: number | undefined, client: string | undefined): void {
    const { maxBlobBytes, uploadQuotaBytes, budget } = this.options;
    if (length === undefined) throw new BlobRefused('length-required', 'A blob upload needs a Content-Length.');
    if (length > maxBlobBytes) throw new BlobRefused('too-large', `A blob may be at most ${maxBlobBytes} bytes; this one is ${length}.`);
    if (client !== undefined && uploadQuotaBytes > 0) {
      const used = this.usedToday(client);
      if (used + length > uploadQuotaBytes) {
        throw new BlobRefused('quota', `This address has uploaded ${used} of its ${uploadQuotaBytes} bytes for today.`);
      }
    }
    if (budget && !budget.canStore(length)) throw new BlobRefused('relay-full', 'This relay has no disk space left for files.');
  }

  private usedToday(client: string): number {
    const entry = this.uploads.get(client);
    return entry && entry.day === utcDay(this.now()) ? entry.bytes : 0;
  }

  private charge(client: string, bytes: number): void {
    const day = utcDay(this.now());
    const entry = this.uploads.get(client);
    if (!entry || entry.day !== day) {
      // A new day: forget yesterday's counters (the map only ever holds today's uploaders).
      for (const [k, v] of this.uploads) if (v.day !== day) this.uploads.delete(k);
      this.uploads.set(client, { day, bytes });
    } else entry.bytes += bytes;
  }

  /**
   * Streams `body` into the store under `hash`, checking its length and SHA-256 on the way. `client` is the
   * uploader's address (charged to its daily quota), undefined for a copy fetched from a peer relay, which keeps
   * the origin's `storedAt`. Returns false if the blob was already stored (the body is then hashed, not written).
   */
  async put(hash: string, body: Readable, length: number | undefined, client: string | undefined, storedAt?: number): Promise<boolean> {
    this.check(length, client);
    const existing = await this.get(hash);
    const temp = join(this.tmp, `${hash}.${randomBytes(6).toString('hex')}`);
    const digest = createHash('sha256');
    let size = 0;
    // Already stored: the body is still hashed (so wrong bytes are refused as ever) but not written anywhere.
    const out = existing ? new Writable({ write: (_chunk, _enc, done) => done() }) : createWriteStream(temp);
    try {
      await new Promise<void>((ok, fail) => {
        body.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > (length as number)) {
            body.destroy();
            fail(new BlobRefused('too-large', 'The body is longer than its Content-Length.'));
            return;
          }
          digest.update(chunk);
          if (!out.write(chunk)) {
            body.pause();
            out.once('drain', () => body.resume());
          }
        });
        body.once('end', () => out.end(() => ok()));
        body.once('error', fail);
        body.once('aborted', () => fail(new BlobRefused('incomplete', 'The upload was cut off.')));
        body.once('close', () => {
          if (!body.readableEnded) fail(new BlobRefused('incomplete', 'The upload was cut off.'));
        });
        out.once('error', fail);
      });
      if (size !== length) throw new BlobRefused('incomplete', `Expected ${String(length)} bytes, received ${size}.`);
      const actual = digest.digest('hex');
      if (actual !== hash) throw new BlobRefused('hash-mismatch', `The body's SHA-256 is ${actual}, not ${hash}.`);
      if (existing) {
        // Sent again: the sender still wants it, so its retention starts over (a peer copy never extends it).
        if (client !== undefined) {
          const t = new Date(this.now());
          await utimes(this.pathOf(hash), t, t).catch(() => undefined);
        }
        return false;
      }
      // Budget again with the real size: other uploads may have used the room since the check.
      if (this.options.budget && !this.options.budget.canStore(size)) throw new BlobRefused('relay-full', 'This relay has no disk space left for files.');
      await mkdir(join(this.dir, hash.slice(0, 2)), { recursive: true });
      if (storedAt !== undefined && storedAt <= this.now()) {
        const t = new Date(storedAt);
        await utimes(temp, t, t);
      }
      await rename(temp, this.pathOf(hash));
    } catch (err) {
      out.destroy();
      if (!existing) await unlink(temp).catch(() => undefined);
      throw err;
    }
    this.stored += size;
    this.options.budget?.add?.(size);
    if (client !== undefined) this.charge(client, size);
    if (this.tombstones.delete(hash)) this.tombstonesDirty = true;
    blobMetrics().uploadedBytes.inc(size);
    return true;
  }

  private async expire(hash: string, size: number): Promise<void> {
    try {
      await unlink(this.pathOf(hash));
      this.stored -= size;
    } catch {
      return; // already gone (a sweep and a GET raced)
    }
    this.tombstones.set(hash, this.now());
    this.tombstonesDirty = true;
    while (this.tombstones.size > MAX_TOMBSTONES) this.tombstones.delete(this.tombstones.keys().next().value as string);
  }

  /** Deletes every expired blob, recounts the bytes stored, and saves the tombstones. */
  sweep(): Promise<void> {
    return (this.sweeping ??= this.sweepNow().finally(() => (this.sweeping = undefined)));
  }

  private async sweepNow(): Promise<void> {
    const cutoff = this.now() - this.options.keepMs;
    let total = 0;
    const shards = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    for (const shard of shards) {
      if (!shard.isDirectory() || !/^[0-9a-f]{2}$/.test(shard.name)) continue;
      for (const name of await readdir(join(this.dir, shard.name)).catch(() => [] as string[])) {
        const info = await stat(join(this.dir, shard.name, name)).catch(() => undefined);
        if (!info?.isFile()) continue;
        if (info.mtimeMs <= cutoff) {
          this.stored += info.size; // expire() takes it off again
          await this.expire(name, info.size);
        } else total += info.size;
      }
    }
    this.stored = total;
    // Tombstones outlive their blob by ten retention periods (at least 90 days), then "unknown" is fine.
    const forgetBefore = this.now() - Math.max(10 * this.options.keepMs, 90 * 86_400_000);
    for (const [hash, at] of this.tombstones) {
      if (at < forgetBefore) {
        this.tombstones.delete(hash);
        this.tombstonesDirty = true;
      }
    }
    if (this.tombstonesDirty) {
      this.tombstonesDirty = false;
      await writeFile(this.tombstoneFile, JSON.stringify(Object.fromEntries(this.tombstones))).catch(() => undefined);
    }
  }

  /** Stops the sweep and saves the tombstones. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.untrack();
    await this.sweeping;
    if (this.tombstonesDirty) await writeFile(this.tombstoneFile, JSON.stringify(Object.fromEntries(this.tombstones))).catch(() => undefined);
  }
}
