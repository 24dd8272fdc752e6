/**
 * The relay's graph storage: GUN's storage-adapter hooks (`put`, `get`, as gun/lib/store.js uses them) over one
 * append-only file per node, instead of GUN's radisk.
 *
 * Why: radisk acked writes it then lost. 3,000 puts to one node through a relay, all acked: a read right after and
 * a read after restart found 1 to 1,300 of them missing, in 3 of 3 runs (its file split and its batched rewrites of
 * whole files race; test/relay/graph-store.test.ts shows the loss no longer happens). Its answers to a node read
 * were also unreliable for catch-up (docs/wip/README.md).
 *
 * Layout: `<folder>/<sha256(soul)>.log`, first line the soul as JSON, then one line `[key, value, state]` per
 * write, appended in order. A node's file is read once and kept in memory (least recently used nodes are dropped
 * past MEMORY_BYTES); on load the highest HAM state of a key wins, as in GUN. A file whose superseded lines
 * outnumber the live ones is rewritten (temp file + rename). A write is acked after its line is written; a failed
 * write (disk full) is answered with GUN's error ack, which apps show as a refusal.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One stored value with its HAM state. */
export interface StoredEntry {
  key: string;
  value: unknown;
  state: number;
}

interface NodeFile {
  soul: string;
  entries: Map<string, { value: unknown; state: number }>;
  /** Lines in the file (the soul header not counted). */
  lines: number;
  bytes: number;
}

/** Nodes kept in memory (value characters) before the least recently used are dropped. */
const MEMORY_BYTES = 64 * 1024 * 1024;
/** Largest answer part for a node read (value characters): big nodes go out in several messages, as radisk's do. */
const PART_BYTES = 256 * 1024;
/** Rewrite a file once it has this many lines and more than twice its live keys. */
const COMPACT_MIN_LINES = 256;

/** Stores GUN nodes in one append-only file each; see the module comment. */
export class GraphStore {
  private readonly cache = new Map<string, NodeFile>();
  private cachedBytes = 0;
  private readonly loading = new Map<string, Promise<NodeFile>>();
  /** Per node: the tail of its chain of file operations (one at a time per file). */
  private readonly queues = new Map<string, Promise<unknown>>();
  private pending = 0;

  constructor(readonly folder: string) {}

  /** Creates the folder. */
  async open(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
  }

  /** Writes not yet on disk. */
  pendingWrites(): number {
    return this.pending;
  }

  /** Every stored key of `soul` in lexical order (empty when nothing is stored under it). */
  async read(soul: string): Promise<StoredEntry[]> {
    const node = await this.node(soul);
    return [...node.entries.entries()]
      .map(([key, e]) => ({ key, value: e.value, state: e.state }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Stores one key; resolves once it is on disk. A lower state than the stored one is ignored (HAM). */
  async write(soul: string, key: string, value: unknown, state: number): Promise<void> {
    this.pending++;
    try {
      await this.serial(soul, async () => {
        const node = await this.node(soul);
        const had = node.entries.get(key);
        if (had && had.state > state) return;
        const line = JSON.stringify([key, value, state]) + '\n';
        if (node.lines === 0 && !(await exists(this.fileOf(soul)))) await appendFile(this.fileOf(soul), JSON.stringify(soul) + '\n');
        await appendFile(this.fileOf(soul), line);
        node.lines++;
        this.account(node, had, value);
        node.entries.set(key, { value, state });
        if (node.lines >= COMPACT_MIN_LINES && node.lines > 2 * node.entries.size) await this.compact(node);
      });
    } finally {
      this.pending--;
    }
  }

  private fileOf(soul: string): string {
    return join(this.folder, createHash('sha256').update(soul).digest('hex') + '.log');
  }

  /** Runs `task` after every earlier file operation on `soul`. */
  private serial<T>(soul: string, task: () => Promise<T>): Promise<T> {
    const before = this.queues.get(soul) ?? Promise.resolve();
    const run = before.then(task, task);
    const tail = run.catch(() => undefined);
    this.queues.set(soul, tail);
    void tail.then(() => {
      if (this.queues.get(soul) === tail) this.queues.delete(soul);
    });
    return run;
  }

  private async node(soul: string): Promise<NodeFile> {
    const cached = this.cache.get(soul);
    if (cached) {
      // Most recently used goes last (Map keeps insertion order).
      this.cache.delete(soul);
      this.cache.set(soul, cached);
      return cached;
    }
    let loading = this.loading.get(soul);
    if (!loading) {
      loading = this.load(soul).finally(() => this.loading.delete(soul));
      this.loading.set(soul, loading);
    }
    const node = await loading;
    if (!this.cache.has(soul)) {
      this.cache.set(soul, node);
      this.cachedBytes += node.bytes;
      this.evict();
    }
    return node;
  }

  private async load(soul: string): Promise<NodeFile> {
    const node: NodeFile = { soul, entries: new Map(), lines: 0, bytes: 0 };
    let text: string;
    try {
      text = await readFile(this.fileOf(soul), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return node;
      throw err;
    }
    const lines = text.split('\n');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      if (!line) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        // A line cut short by a crash mid-append: everything before it is whole.
        continue;
      }
      if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[2] !== 'number') continue;
      const [key, value, state] = parsed as [string, unknown, number];
      node.lines++;
      const had = node.entries.get(key);
      if (had && had.state > state) continue;
      this.account(node, had, value);
      node.entries.set(key, { value, state });
    }
    return node;
  }

  private account(node: NodeFile, had: { value: unknown } | undefined, value: unknown): void {
    const delta = sizeOf(value) - (had ? sizeOf(had.value) : 0);
    node.bytes += delta;
    if (this.cache.get(node.soul) === node) this.cachedBytes += delta;
  }

  private evict(): void {
    for (const [soul, node] of this.cache) {
      if (this.cachedBytes <= MEMORY_BYTES || this.cache.size <= 1) break;
      // A node with file operations queued stays: they hold it and would put it back.
      if (this.queues.has(soul)) continue;
      this.cache.delete(soul);
      this.cachedBytes -= node.bytes;
    }
  }

  /** Rewrites a node's file with only its live keys (runs inside the node's queue). */
  private async compact(node: NodeFile): Promise<void> {
    const file = this.fileOf(node.soul);
    const tmp = `${file}.${process.pid}.tmp`;
    const body = [JSON.stringify(node.soul), ...[...node.entries].map(([k, e]) => JSON.stringify([k, e.value, e.state]))].join('\n') + '\n';
    try {
      await writeFile(tmp, body);
      await rename(tmp, file);
      node.lines = node.entries.size;
    } catch {
      // Out of space for the copy: the longer file is still whole and correct.
      await rm(tmp, { force: true });
    }
  }
}

const sizeOf = (value: unknown) => (typeof value === 'string' ? value.length : 9);

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The parts of a GUN root the adapter hooks into. */
export interface StorableRoot {
  on(event: 'put' | 'get', cb: (this: { to: { next(msg: unknown): void } }, msg: AdapterMessage) => void): void;
  on(event: 'in', msg: unknown): void;
}

interface AdapterMessage {
  '#'?: string;
  put?: { '#'?: unknown; '.'?: unknown; ':'?: unknown; '>'?: unknown };
  get?: { '#'?: unknown; '.'?: unknown };
  _?: { rad?: unknown };
}

/**
 * Makes `store` GUN's storage: every new write is stored and acked once on disk, every get is answered from it.
 * Answers carry GUN's `faith` marker (as radisk's do) so GUN does not verify them again nor store them twice.
 */
export function installGraphStore(root: StorableRoot, store: GraphStore): void {
  root.on('put', function (msg) {
    this.to.next(msg);
    if (msg._?.rad) return; // an answer from this store coming back through GUN
    const id = msg['#'];
    const put = msg.put;
    const soul = put?.['#'];
    const key = put?.['.'];
    const state = put?.['>'];
    if (typeof soul !== 'string' || typeof key !== 'string' || typeof state !== 'number') return;
    store.write(soul, key, put?.[':'], state).then(
      () => root.on('in', { '@': id, ok: 1 }),
      (err: unknown) => root.on('in', { '@': id, err: `cannot store: ${(err as Error).message ?? err}` }),
    );
  });

  root.on('get', function (msg) {
    this.to.next(msg);
    const id = msg['#'];
    const soul = msg.get?.['#'];
    const has = msg.get?.['.'];
    if (typeof soul !== 'string') return;
    store.read(soul).then(
      (entries) => {
        let chosen = entries;
        if (typeof has === 'string') chosen = entries.filter((e) => e.key === has);
        else if (has && typeof has === 'object') {
          const range = has as { '>'?: unknown; '<'?: unknown };
          const from = typeof range['>'] === 'string' ? range['>'] : undefined;
          const to = typeof range['<'] === 'string' ? range['<'] : undefined;
          chosen = entries.filter((e) => (from === undefined || e.key >= from) && (to === undefined || e.key <= to));
        }
        answer(root, id, soul, chosen, msg.get);
      },
      (err: unknown) => root.on('in', { '@': id, err: String((err as Error).message ?? err) }),
    );
  });
}

/**
 * Sends a node (or part of it) back through GUN in parts of at most PART_BYTES. As GUN's own in-memory answer does
 * (gun.js `Gun.on.get.ack`), every part has its own message id and `'%'` names the next part's id. Each part also
 * carries its content hash `'##'`: without one, GUN's mesh hashes an answer before sending it, asynchronously and
 * for longer the bigger it is, so a small last part overtook a big first one; once the last part is out GUN forgets
 * whom the answer is for and dropped the rest (a 600-key node arrived as its last 78 keys).
 */
function answer(root: StorableRoot, to: string | undefined, soul: string, entries: StoredEntry[], get: unknown): void {
  const faith = Object.assign(() => undefined, { faith: true, rad: get });
  if (entries.length === 0) {
    root.on('in', { '@': to, '#': messageId(), put: undefined, _: faith });
    return;
  }
  let i = 0;
  let id = messageId();
  while (i < entries.length) {
    const node: Record<string, unknown> & { _: { '#': string; '>': Record<string, number> } } = { _: { '#': soul, '>': {} } };
    let used = 0;
    while (i < entries.length && (used === 0 || used < PART_BYTES)) {
      const e = entries[i++]!;
      node[e.key] = e.value;
      node._['>'][e.key] = e.state;
      used += sizeOf(e.value);
    }
    const next = i < entries.length ? messageId() : undefined;
    const put = { [soul]: node };
    root.on('in', { '@': to, '#': id, '##': createHash('sha256').update(JSON.stringify(put)).digest('base64'), put, '%': next, _: faith });
    if (next) id = next;
  }
}

const messageId = () => Math.random().toString(36).slice(2, 11);
