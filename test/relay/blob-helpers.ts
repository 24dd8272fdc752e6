// A blob relay without GUN: the real BlobStore and HTTP handler on a loopback server, for fast relay tests.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobStore, type BlobStoreOptions } from '../../src/relay/blob-store.js';
import { createBlobHandler } from '../../src/relay/blob-http.js';

export interface BlobRelay {
  url: string;
  store: BlobStore;
  dataDir: string;
  /** Sets the peers asked for missing blobs (GUN URLs), after start so two relays can point at each other. */
  peers: string[];
  close(): Promise<void>;
}

const dirs: string[] = [];

/** Starts a blob-only relay on a free loopback port. */
export async function startBlobRelay(options: Partial<BlobStoreOptions> = {}): Promise<BlobRelay> {
  const dataDir = await mkdtemp(join(tmpdir(), 'meshdrop-blobs-'));
  dirs.push(dataDir);
  const store = await BlobStore.open({ dir: join(dataDir, 'blobs'), keepMs: 86_400_000, maxBlobBytes: 1024 * 1024, uploadQuotaBytes: 0, ...options });
  const peers: string[] = [];
  const handle = createBlobHandler({ store, peers });
  const server: Server = createServer((req, res) => {
    void handle(req, res).then((done) => done || res.writeHead(404).end());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    dataDir,
    peers,
    async close() {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
      await store.close();
    },
  };
}

/** Removes every data folder the helpers made. */
export async function removeBlobDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export const hexHash = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function randomBlob(size: number): { bytes: Uint8Array<ArrayBuffer>; hash: string } {
  const bytes = new Uint8Array(randomBytes(size));
  return { bytes, hash: hexHash(bytes) };
}

/** Every file under the store's folder (blobs and temp files), excluding the tombstone list. */
export async function filesOnDisk(store: BlobStore): Promise<string[]> {
  const entries = await readdir(store.dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name !== 'expired.json').map((e) => join(e.parentPath, e.name));
}

/** Polls until `check` is true (every 20 ms) or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
