// Radisk's file store: names longer than a file name may be (radisk names files after long Meshdrop keys).
import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Gun from 'gun';
import { diskName, graphStore, MAX_PLAIN_NAME_BYTES, type RadiskStore } from '../../src/relay/graph-store.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function folder(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'meshdrop-graph-store-'));
  dirs.push(d);
  return join(d, 'graph');
}

const put = (s: RadiskStore, name: string, data: string) => new Promise<void>((ok, fail) => s.put(name, data, (err) => (err ? fail(err) : ok())));
const get = (s: RadiskStore, name: string) => new Promise<string | undefined>((ok, fail) => s.get(name, (err, data) => (err ? fail(err) : ok(data))));
const list = (s: RadiskStore) =>
  new Promise<string[]>((ok) => {
    const names: string[] = [];
    s.list((f) => (f === undefined ? ok(names) : names.push(f)));
  });

describe('graph store', () => {
  it('stores a name longer than 255 bytes under its hash, reads it back, and lists it by its own name', async () => {
    const dir = await folder();
    const store = graphStore(dir);
    const long = `~${'A'.repeat(87)}%2Fmd1%2Fr%2F${'b'.repeat(32)}%2F${'C'.repeat(87)}%1B${'d'.repeat(40)}`;
    assert.ok(Buffer.byteLength(long) > 255);
    await put(store, long, 'long data');
    await put(store, '!', 'root data');
    assert.equal(await get(store, long), 'long data');
    assert.equal(await get(store, '!'), 'root data');
    assert.equal(await get(store, 'missing'), undefined);
    assert.deepEqual((await list(store)).sort(), ['!', long].sort());
    for (const f of await readdir(dir)) assert.ok(Buffer.byteLength(f) <= MAX_PLAIN_NAME_BYTES + 10, f);
    assert.equal(diskName('!'), '!', 'short names stay as they are (folders written by GUN read the same)');
  });

  it('GUN over radisk stores and acks writes under long keys through file splits', async () => {
    const dir = await folder();
    // A tiny chunk size makes radisk split its files often, naming new ones after (long) keys.
    const gun = Gun({ file: dir, radisk: true, chunk: 2000, store: graphStore(dir), axe: false, multicast: false, peers: [] } as never);
    const soul = `room${'P'.repeat(87)}.${'Q'.repeat(43)}/md1/r/${'e'.repeat(32)}`; // as long as a user space's, unsigned
    const errors: unknown[] = [];
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        new Promise<void>((ok) =>
          gun.get(`${soul}/${String(i).padStart(3, '0')}${'k'.repeat(80)}`).put({ v: 'x'.repeat(200) } as never, (ack) => {
            if ('err' in ack && ack.err) errors.push(ack.err);
            ok();
          }),
        ),
      ),
    );
    assert.deepEqual(errors, []);
    assert.ok((await readdir(dir)).some((f) => f.startsWith('@')), 'some file was named after a long key');
  });
});
