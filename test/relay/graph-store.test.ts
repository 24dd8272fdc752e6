// The relay's graph storage (src/relay/graph-store.ts): nothing acked is lost, across restarts and crashes, and a
// graph kept by GUN's radisk before is carried over.
import { strict as assert } from 'node:assert';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startRelay, type RunningRelay } from '../../src/relay/relay.js';
import { GraphStore } from '../../src/relay/graph-store.js';
import { until } from './blob-helpers.js';

const require = createRequire(import.meta.url);
type Chain = {
  get(key: string): Chain;
  put(value: unknown, cb?: (ack: { err?: string; ok?: unknown }) => void): Chain;
  map(): Chain;
  on(cb: (value: unknown, key: string) => void): Chain;
  off(): void;
};
type GunFactory = (opt: object) => Chain & { _: { opt: { peers: Record<string, { wire?: { close(): void } }> } } };
const Gun = require('gun') as GunFactory;

const dirs: string[] = [];
const scratch = async () => {
  const d = await mkdtemp(join(tmpdir(), 'meshdrop-graph-'));
  dirs.push(d);
  return d;
};
const relays: RunningRelay[] = [];
after(async () => {
  await Promise.all(relays.map((r) => r.close()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const relayOn = async (dataDir: string) => {
  const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir, peers: [], maxMessageBytes: 10_000_000, ratePerClient: 0, push: { enabled: false } });
  relays.push(relay);
  return relay;
};
const client = (relay: RunningRelay) => Gun({ peers: [`http://127.0.0.1:${relay.port}/gun`], radisk: false, localStorage: false, axe: false, multicast: false });
const closeClient = (gun: ReturnType<typeof client>) => {
  const peers = gun._.opt.peers;
  for (const [id, peer] of Object.entries(peers)) {
    delete peers[id];
    peer.wire?.close();
  }
};
const keyOf = (i: number) => 'k' + String(i).padStart(6, '0');

/** Reads every key of `soul` through a relay as an app does (a whole-node subscription). */
async function readThrough(relay: RunningRelay, soul: string, expected: number): Promise<Map<string, unknown>> {
  const gun = client(relay);
  const seen = new Map<string, unknown>();
  gun.get(soul).map().on((value, key) => seen.set(key, value));
  await until(() => seen.size >= expected, `${expected} keys of ${soul} (have ${seen.size})`, 60_000);
  closeClient(gun);
  return seen;
}

describe('relay graph storage', () => {
  it('keeps every acked write of a 3,000-write burst to one node, read back through GUN after a restart', async () => {
    // GUN's radisk lost 1 to 1,300 of these 3,000 acked writes in each of 3 runs (graph-store.ts).
    const dir = await scratch();
    const relay = await relayOn(dir);
    const gun = client(relay);
    const N = 3_000;
    let acked = 0;
    const errors: string[] = [];
    for (let i = 0; i < N; i++) {
      gun.get('burst/node').get(keyOf(i)).put('v'.repeat(500) + i, (ack) => {
        acked++;
        if (ack.err) errors.push(ack.err);
      });
    }
    await until(() => acked >= N, `${N} acks (have ${acked})`, 60_000);
    assert.deepEqual(errors, []);
    closeClient(gun);
    // Straight from the files, with a store that has nothing in memory.
    const onDisk = await new GraphStore(join(dir, 'nodes')).read('burst/node');
    assert.equal(onDisk.length, N);
    await relay.close();

    const again = await relayOn(dir);
    const seen = await readThrough(again, 'burst/node', N);
    for (let i = 0; i < N; i += 97) assert.equal(seen.get(keyOf(i)), 'v'.repeat(500) + i);
  });

  it('a line cut short by a crash loses only that write; a lower state never replaces a higher one', async () => {
    const dir = await scratch();
    const store = new GraphStore(dir);
    await store.open();
    await store.write('s/1', 'a', 'first', 10);
    await store.write('s/1', 'b', 'kept', 10);
    await store.write('s/1', 'a', 'older', 5);
    const [file] = await readdir(dir);
    await appendFile(join(dir, file!), '["c","half a li');
    const read = await new GraphStore(dir).read('s/1');
    assert.deepEqual(read.map((e) => [e.key, e.value]), [['a', 'first'], ['b', 'kept']]);
  });

  it('rewrites a file full of superseded values with only the live ones', async () => {
    const dir = await scratch();
    const store = new GraphStore(dir);
    await store.open();
    for (let i = 0; i < 600; i++) await store.write('s/seen', 'last', `mark ${i}`, i);
    const [file] = await readdir(dir);
    const lines = (await readFile(join(dir, file!), 'utf8')).trim().split('\n');
    assert.ok(lines.length < 300, `${lines.length} lines`);
    const read = await new GraphStore(dir).read('s/seen');
    assert.deepEqual(read.map((e) => [e.key, e.value]), [['last', 'mark 599']]);
  });

  it('carries a graph kept by GUN radisk (the layout before) over, once, leaving the old files in place', async () => {
    const dir = await scratch();
    const radiskDir = join(dir, 'graph');
    // The old relay layout: GUN with radisk in <data>/graph.
    const old = Gun({ file: radiskDir, radisk: true, localStorage: false, axe: false, multicast: false, peers: [] });
    let acked = 0;
    for (let i = 0; i < 50; i++) old.get('old/node').get(keyOf(i)).put(`old ${i}`, () => acked++);
    await until(() => acked >= 50, 'radisk acks');
    await until(() => existsSync(join(radiskDir, '!')), 'radisk file');

    const relay = await relayOn(dir);
    const seen = await readThrough(relay, 'old/node', 50);
    assert.equal(seen.get(keyOf(49)), 'old 49');
    assert.ok(existsSync(join(radiskDir, '!')), 'radisk files kept');
    assert.ok(existsSync(join(dir, 'nodes', 'migrated-from-radisk')));
    await relay.close();
    // A second start copies nothing again (a value changed since stays changed).
    const store = new GraphStore(join(dir, 'nodes'));
    await store.write('old/node', keyOf(0), 'changed', Date.now() + 1);
    const again = await relayOn(dir);
    const after = await readThrough(again, 'old/node', 50);
    assert.equal(after.get(keyOf(0)), 'changed');
  });
});
