// GET /history (src/relay/history-http.ts) through a real relay, read with the app's client (src/sync/history.ts):
// pages in key order after a cursor, one key, what GUN subscribers get, and bad or hostile requests.
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRelay, type RunningRelay } from '../../src/relay/relay.js';
import { RateLimit } from '../../src/relay/history-http.js';
import { fetchHistory, HistoryError, readAfter, type HistoryEntry } from '../../src/sync/history.js';
import { closeAllGuns, nodeGun, putAcked, SEA } from '../e2e/gun-node.js';
import type { SeaPair } from '../../src/types/gun.js';

let relay: RunningRelay;
let dir: string;
let alice: SeaPair;
let soul: string;
const N = 300;
const keyOf = (i: number) => 'm' + String(i).padStart(6, '0');

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshdrop-history-'));
  relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: dir, peers: [], maxMessageBytes: 4 * 1024 * 1024, ratePerClient: 0, push: { enabled: false } });
  alice = await SEA.pair();
  soul = `~${alice.pub}/md1/c/chan`;
  const writer = nodeGun([`http://127.0.0.1:${relay.port}/gun`]);
  await new Promise<void>((ok, fail) => writer.gun.user().auth(alice, (ack) => (ack.err ? fail(new Error(ack.err)) : ok())));
  // Written newest first: the order keys are read in must not depend on the order they were written in.
  const puts: Promise<void>[] = [];
  for (let i = N - 1; i >= 0; i--) puts.push(putAcked(writer.gun.get(soul).get(keyOf(i)), `envelope ${i} ` + 'x'.repeat(4000), 60_000));
  await Promise.all(puts);
  writer.close();
});
after(async () => {
  closeAllGuns();
  await relay.close();
  await rm(dir, { recursive: true, force: true });
});

const gunUrl = () => `ws://127.0.0.1:${relay.port}/gun`;

describe('GET /history', () => {
  it('reads a whole node page by page in key order, each value as a GUN subscriber gets it', async () => {
    const seen: HistoryEntry[] = [];
    let pages = 0;
    const last = await readAfter(gunUrl(), soul, undefined, (entries) => {
      pages++;
      seen.push(...entries);
    });
    assert.equal(seen.length, N);
    assert.ok(pages >= 2, `${pages} pages`);
    assert.deepEqual(seen.map((e) => e.key), Array.from({ length: N }, (_, i) => keyOf(i)));
    assert.equal(last, keyOf(N - 1));
    assert.equal(seen[7]!.value, 'envelope 7 ' + 'x'.repeat(4000));

    const reader = nodeGun([gunUrl()]);
    const viaGun = await new Promise<unknown>((ok) => reader.gun.get(soul).get(keyOf(7)).once((v: unknown) => ok(v), { wait: 3000 }));
    reader.close();
    assert.equal(viaGun, seen[7]!.value);
  });

  it('answers only what follows a cursor, with a limit, and says whether more follow', async () => {
    const page = await fetchHistory(gunUrl(), soul, { after: keyOf(N - 11), limit: 4 });
    assert.deepEqual(page.entries.map((e) => e.key), [keyOf(N - 10), keyOf(N - 9), keyOf(N - 8), keyOf(N - 7)]);
    assert.equal(page.more, true);
    const tail = await fetchHistory(gunUrl(), soul, { after: keyOf(N - 3) });
    assert.deepEqual(tail.entries.map((e) => e.key), [keyOf(N - 2), keyOf(N - 1)]);
    assert.equal(tail.more, false);
    assert.deepEqual((await fetchHistory(gunUrl(), soul, { after: keyOf(N - 1) })).entries, []);
  });

  it('pages back from a key: the newest keys before it, in key order, and whether older ones exist', async () => {
    const back = await fetchHistory(gunUrl(), soul, { before: keyOf(100), limit: 3 });
    assert.deepEqual(back.entries.map((e) => e.key), [keyOf(97), keyOf(98), keyOf(99)]);
    assert.equal(back.more, true);
    const first = await fetchHistory(gunUrl(), soul, { before: keyOf(2), limit: 5 });
    assert.deepEqual(first.entries.map((e) => e.key), [keyOf(0), keyOf(1)]);
    assert.equal(first.more, false);
  });

  it('reads one key, and nothing for a key or node it does not hold', async () => {
    const one = await fetchHistory(gunUrl(), soul, { key: keyOf(250) });
    assert.deepEqual(one.entries.map((e) => e.key), [keyOf(250)]);
    assert.deepEqual((await fetchHistory(gunUrl(), soul, { key: 'nope' })).entries, []);
    assert.deepEqual((await fetchHistory(gunUrl(), `~${alice.pub}/md1/c/other`, {})).entries, []);
  });

  it('refuses malformed requests with a code, and serves nothing outside user space', async () => {
    const base = `http://127.0.0.1:${relay.port}/history`;
    const cases: Array<[string, string]> = [
      ['', 'bad-soul'],
      ['?soul=' + encodeURIComponent('#md1inboxabc'), 'bad-soul'],
      ['?soul=' + encodeURIComponent('~short/md1/c/x'), 'bad-soul'],
      ['?soul=' + encodeURIComponent(`~${alice.pub}/md1/c/chan\n`), 'bad-soul'],
      ['?soul=' + encodeURIComponent(soul) + '&limit=0', 'bad-limit'],
      ['?soul=' + encodeURIComponent(soul) + '&limit=100000', 'bad-limit'],
      ['?soul=' + encodeURIComponent(soul) + '&limit=abc', 'bad-limit'],
      ['?soul=' + encodeURIComponent(soul) + '&after=' + 'a'.repeat(500), 'bad-key'],
      ['?soul=' + encodeURIComponent(soul) + '&key=' + encodeURIComponent('a b'), 'bad-key'],
      ['?soul=' + encodeURIComponent(soul) + '&before=', 'bad-key'],
    ];
    for (const [query, code] of cases) {
      const res = await fetch(base + query);
      assert.equal(res.status, 400, query);
      assert.equal(((await res.json()) as { error: string }).error, code, query);
    }
    assert.equal((await fetch(base + '?soul=' + encodeURIComponent(soul), { method: 'POST' })).status, 405);
    const pre = await fetch(base, { method: 'OPTIONS' });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    await assert.rejects(fetchHistory(gunUrl(), '#md1inboxabc'), (err: unknown) => err instanceof HistoryError && err.code === 'refused');
    // The relay still serves honest readers.
    assert.equal((await fetchHistory(gunUrl(), soul, { key: keyOf(1) })).entries.length, 1);
  });

  it('reports an unreachable relay as such', async () => {
    await assert.rejects(fetchHistory('ws://127.0.0.1:1/gun', soul), (err: unknown) => err instanceof HistoryError && err.code === 'unreachable');
  });

  it('holds back a flood from one address with 429 "rate" and keeps serving', async () => {
    const floodDir = await mkdtemp(join(tmpdir(), 'meshdrop-history-flood-'));
    const flooded = await startRelay({ port: 0, host: '127.0.0.1', dataDir: floodDir, peers: [], maxMessageBytes: 4 * 1024 * 1024, ratePerClient: 0, historyPerSecond: 5, push: { enabled: false } });
    try {
      const url = `http://127.0.0.1:${flooded.port}/history?soul=${encodeURIComponent(soul)}&limit=1`;
      const answers = await Promise.all(Array.from({ length: 200 }, () => fetch(url).then(async (r) => [r.status, ((await r.json()) as { error?: string }).error] as const)));
      const refused = answers.filter(([status]) => status === 429);
      // The burst (10 seconds' worth: 50) goes through; much of the rest is refused with its code; nothing else fails.
      assert.ok(answers.length - refused.length >= 50, `${answers.length - refused.length} of 200 served`);
      assert.ok(refused.length > 0 && refused.every(([, error]) => error === 'rate'), `${refused.length} refused`);
      assert.ok(answers.every(([status]) => status === 200 || status === 429));
      assert.equal((await fetch(`http://127.0.0.1:${flooded.port}/health`)).status, 200);
    } finally {
      await flooded.close();
      await rm(floodDir, { recursive: true, force: true });
    }
  });

  it('rate limit: a burst of ten seconds\' worth, then the average rate, per address', () => {
    const limit = new RateLimit(5);
    const t = 1_000_000;
    let served = 0;
    for (let i = 0; i < 100; i++) if (limit.take('a', t)) served += 1;
    assert.equal(served, 50);
    assert.equal(limit.take('a', t), false);
    assert.equal(limit.take('b', t), true, 'another address has its own bucket');
    assert.equal(limit.take('a', t + 199), false);
    assert.equal(limit.take('a', t + 200), true, 'one more after a fifth of a second');
    assert.equal(new RateLimit(0).take('a'), true, '0: no limit');
  });
});
