// Issue 12, relay limits: a hostile anonymous writer cannot fill the relay's disk, honest users keep talking, the
// relay keeps answering, and every refused write gets an error ack its writer can show.
import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { after, describe, it } from 'node:test';
import { cleanup, startRelay, type RelayProcess } from './harness.js';
import { closeAllGuns, percentile, putAcked, SEA, sleep, waitUntil, type NodeGun } from './gun-node.js';
import { authUser, connectedClient, startMesh, waitForRelayPeers } from './relay-net.js';
import { folderBytes } from '../../src/relay/disk-budget.js';
import { RawGunWriter } from './raw-writer.js';

const MB = 1024 * 1024;

interface FloodResult {
  okAcks: number;
  okBytes: number;
  refused: number;
  errors: Record<string, number>;
  unanswered: number;
  sent: number;
}

/** Runs the hostile writers (quota-flood-worker.mjs) in a worker thread until they finish. */
function flood(gunUrl: string, connections: number, durationMs: number): Promise<FloodResult> {
  // All from one address as the relay's reverse proxy reports it; the first entries are the attacker's own
  // inventions (a relay that believed them would give each connection a fresh address quota).
  const headers = { 'X-Forwarded-For': `10.66.${connections}.1, 203.0.113.66` };
  const worker = new Worker(new URL('./quota-flood-worker.mjs', import.meta.url), {
    workerData: { gunUrl, headers, connections, durationMs, valueBytes: 256 * 1024, inFlight: 2 },
  });
  return new Promise((ok, fail) => {
    worker.once('message', (r: FloodResult) => void worker.terminate().then(() => ok(r)));
    worker.once('error', fail);
  });
}

/** Asks /health every 200 ms until stopped; records the slowest answer and any failure. */
function watchHealth(relay: RelayProcess) {
  let running = true;
  const slowest = { ms: 0 };
  const failures: string[] = [];
  let answers = 0;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      try {
        const res = await fetch(`${relay.url}/health`, { signal: AbortSignal.timeout(10_000) });
        const body = (await res.json()) as { ok?: boolean };
        if (!body.ok) failures.push(`status ${res.status}`);
        answers++;
      } catch (err) {
        failures.push(String(err));
      }
      slowest.ms = Math.max(slowest.ms, performance.now() - t);
      await sleep(200);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { slowestMs: slowest.ms, failures, answers };
    },
  };
}

/** Waits until the relay has written every write it accepted (radisk batches them), as /health reports. */
async function waitForDisk(relay: RelayProcess): Promise<void> {
  let pending = -1;
  const end = Date.now() + 15_000;
  while (pending !== 0 && Date.now() < end) {
    pending = ((await (await fetch(`${relay.url}/health`)).json()) as { pendingWrites: number }).pendingWrites;
    if (pending !== 0) await sleep(100);
  }
  assert.equal(pending, 0, 'the relay still had writes going to disk');
}

interface Talker {
  client: NodeGun;
  pub: string;
  sentAt: Map<string, number>;
  arrivedAt: Map<string, number>;
}

/** Two raw signed GUN users, each writing into its own space and reading the other's. */
async function honestPair(gunUrl: string): Promise<[Talker, Talker]> {
  const make = async (): Promise<Talker> => {
    const client = await connectedClient([gunUrl]);
    const pair = await SEA.pair();
    await authUser(client, pair);
    return { client, pub: pair.pub, sentAt: new Map(), arrivedAt: new Map() };
  };
  const a = await make();
  const b = await make();
  for (const [reader, writer] of [[a, b], [b, a]] as const) {
    reader.client.gun.user(writer.pub).get('md1').get('c').get('talk').map().on((value, key) => {
      if (typeof value === 'string' && !writer.arrivedAt.has(key)) writer.arrivedAt.set(key, performance.now());
    });
  }
  await sleep(300);
  return [a, b];
}

/** Each talker sends a message every `gapMs` until stopped. */
function talk(talkers: Talker[], gapMs: number) {
  let running = true;
  let i = 0;
  const loop = (async () => {
    while (running) {
      for (const t of talkers) {
        const key = `m${String(i).padStart(4, '0')}`;
        t.sentAt.set(key, performance.now());
        t.client.gun.user().get('md1').get('c').get('talk').get(key).put(`hello ${i} from ${t.pub.slice(0, 6)}`);
      }
      i++;
      await sleep(gapMs);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

function latencies(t: Talker): { lost: number; p50: number; p99: number; max: number } {
  const ms: number[] = [];
  for (const [key, sent] of t.sentAt) {
    const got = t.arrivedAt.get(key);
    if (got !== undefined) ms.push(got - sent);
  }
  return { lost: t.sentAt.size - ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms) };
}

describe('relay quotas against a hostile writer', { timeout: 120_000 }, () => {
  after(async () => {
    closeAllGuns();
    await cleanup();
  });

  it('one connection, then 20 from the same address: the data folder grows by at most the address quota, honest users keep talking, /health answers', async () => {
    const connectionQuota = 1 * MB;
    const addressQuota = 4 * MB;
    const relay = await startRelay({
      extraArgs: ['--no-app', '--trust-proxy', '--quota-day', String(connectionQuota), '--address-quota-day', String(addressQuota)],
    });
    const [a, b] = await honestPair(relay.gunUrl);
    const before = await folderBytes(relay.dataDir);
    const health = watchHealth(relay);
    const stopTalking = talk([a, b], 100);

    const single = await flood(relay.gunUrl, 1, 6_000);
    const many = await flood(relay.gunUrl, 20, 20_000);

    await stopTalking();
    // Wait for the last honest messages (on a loaded machine the relay works through a backlog); none may be lost.
    await waitUntil(() => [a, b].every((t) => t.arrivedAt.size === t.sentAt.size), 30_000, 'honest messages arrived').catch(() => undefined);
    const h = await health.stop();
    await waitForDisk(relay);
    const grew = (await folderBytes(relay.dataDir)) - before;
    const la = latencies(a);
    const lb = latencies(b);
    console.log(`  one connection: ${single.okAcks} puts stored (${single.okBytes} B), ${single.refused} refused ${JSON.stringify(single.errors)}, ${single.unanswered} unanswered`);
    console.log(`  20 connections: ${many.okAcks} puts stored (${many.okBytes} B), ${many.refused} refused ${JSON.stringify(many.errors)}, ${many.unanswered} unanswered`);
    console.log(`  data folder grew ${grew} B (address quota ${addressQuota} B); /health: ${h.answers} answers, slowest ${Math.round(h.slowestMs)} ms, ${h.failures.length} failures`);
    console.log(`  honest a→b: ${a.sentAt.size} sent, lost ${la.lost}, p50 ${Math.round(la.p50)} ms p99 ${Math.round(la.p99)} ms; b→a: ${b.sentAt.size} sent, lost ${lb.lost}, p50 ${Math.round(lb.p50)} ms p99 ${Math.round(lb.p99)} ms`);

    // The single connection is stopped by its own quota, with an error it can read.
    assert.ok(single.okBytes <= connectionQuota, `one connection stored ${single.okBytes} B > its quota`);
    assert.ok(single.okAcks > 0, 'the first writes within quota were stored');
    assert.ok((single.errors['meshdrop:quota-day: daily write quota used up'] ?? 0) > 0, 'the connection never got a quota refusal');
    // Twenty more from the same address share what is left of the address quota.
    assert.ok(single.okBytes + many.okBytes <= addressQuota, `the address stored ${single.okBytes + many.okBytes} B > its quota`);
    assert.ok((many.errors['meshdrop:quota-day: daily write quota used up'] ?? 0) > 0, 'the 20 connections never got a quota refusal');
    // The flood offered far more than the address may store (how much more depends on how fast the relay answers).
    const offered = (single.sent + many.sent) * 256 * 1024;
    assert.ok(offered >= 10 * addressQuota, `the flood was too weak to mean anything (${offered} B offered)`);
    // The disk: what was stored plus the honest users' few KB; never the ~GBs the flood offered.
    assert.ok(grew <= addressQuota, `data folder grew ${grew} B > ${addressQuota} B`);
    // Honest users: every message arrived, while the relay answered /health throughout.
    assert.equal(la.lost + lb.lost, 0, 'honest messages were lost');
    assert.ok(a.sentAt.size >= 20 && b.sentAt.size >= 20, 'the honest users talked during the whole flood');
    assert.deepEqual(h.failures, [], '/health failed during the flood');
    assert.ok(h.answers >= 10, `/health answered only ${h.answers} times in 26 s`);
  });

  it('a signing key over its quota gets an error ack its GUN client sees; forged writes into its space never use its quota', async () => {
    const keyQuota = 64 * 1024;
    const relay = await startRelay({ extraArgs: ['--no-app', '--quota-day', String(keyQuota)] });
    const owner = await connectedClient([relay.gunUrl]);
    const pair = await SEA.pair();
    await authUser(owner, pair);
    // Someone else pours unsigned data into the owner's space: SEA refuses it, and it must not count as the owner's.
    const forger = await RawGunWriter.open(relay.gunUrl);
    const forgedAcks = [];
    for (let i = 0; i < 12; i++) forgedAcks.push(await forger.put(`~${pair.pub}/md1/c/x`, `f${i}`, 'x'.repeat(16 * 1024)));
    assert.ok(forgedAcks.every((a) => a && !a.ok), 'a forged write into a user space was accepted');
    forger.close();

    const value = 'y'.repeat(8 * 1024);
    let stored = 0;
    let refusal = '';
    for (let i = 0; i < 20 && !refusal; i++) {
      const err = await new Promise<string | undefined>((ok) => {
        owner.gun.user().get('md1').get('c').get('x').get(`m${i}`).put(value, (ack) => ok(ack.err ? String(ack.err) : undefined));
      });
      if (err) refusal = err;
      else stored++;
    }
    console.log(`  signed writes stored before the key's quota was used up: ${stored}; then: ${refusal}`);
    assert.equal(refusal, 'meshdrop:quota-day: daily write quota used up');
    assert.ok(stored >= 5, `only ${stored} signed writes fitted in the key's quota: forged writes were charged to it`);
    assert.ok(stored * value.length <= keyQuota, 'the key stored more than its quota');
    const health = (await (await fetch(`${relay.url}/health`)).json()) as { refused: Record<string, number> };
    assert.ok(health.refused['quota-day']! >= 1);
  });

  it('a full disk budget refuses new writes with "relay full" and keeps what it stored', async () => {
    const budget = 1 * MB;
    const relay = await startRelay({ extraArgs: ['--no-app', '--max-disk', '1MiB', '--quota-day', '0', '--address-quota-day', '0'] });
    const writer = await RawGunWriter.open(relay.gunUrl);
    const first = await writer.put('keep-me', 'k', 'stored before the disk was full');
    assert.deepEqual(first, { ok: true });
    let stored = 0;
    let refusal: string | undefined;
    for (let i = 0; i < 40 && !refusal; i++) {
      const ack = await writer.putRandomChunk(`full${i}`, 64 * 1024);
      if (ack?.ok) stored++;
      else refusal = ack?.err;
    }
    assert.equal(refusal, 'meshdrop:relay-full: relay disk budget is full');
    await waitForDisk(relay);
    const size = await folderBytes(relay.dataDir);
    console.log(`  ${stored} writes of 64 KB fitted; data folder ${size} B of a ${budget} B budget`);
    assert.ok(size <= budget, `data folder ${size} B > --max-disk ${budget} B`);
    const reader = await connectedClient([relay.gunUrl]);
    const kept = await new Promise((ok) => reader.gun.get('keep-me').get('k').once((v) => ok(v)));
    assert.equal(kept, 'stored before the disk was full');
    writer.close();

    // The operator sees it: Prometheus text on /metrics, next to a working /health.
    const res = await fetch(`${relay.url}/metrics`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    const value = (line: RegExp) => Number(line.exec(text)?.[1] ?? NaN);
    assert.ok(value(/^meshdrop_relay_refusals_total\{reason="relay-full"\} (\d+)/m) >= 1, 'refusals by reason');
    assert.ok(value(/^meshdrop_relay_stored_bytes\{kind="graph"\} (\d+)/m) > stored * 64 * 1024, 'stored bytes of the graph');
    assert.equal(value(/^meshdrop_relay_stored_bytes\{kind="blobs"\} (\d+)/m), 0);
    assert.equal(value(/^meshdrop_relay_disk_budget_bytes (\d+)/m), budget);
    assert.ok(value(/^meshdrop_relay_writes_total\{soul="content"\} (\d+)/m) >= stored, 'writes by soul kind');
    assert.ok(value(/^meshdrop_relay_messages_in_total\{peer="client"\} (\d+)/m) > stored, 'messages in');
    assert.ok(value(/^meshdrop_relay_bytes_in_total\{peer="client"\} (\d+)/m) > stored * 64 * 1024, 'bytes in');
    assert.ok(value(/^meshdrop_relay_messages_out_total (\d+)/m) > 0, 'messages out');
    assert.ok(value(/^meshdrop_relay_bytes_out_total (\d+)/m) > 0, 'bytes out');
    assert.ok(value(/^meshdrop_relay_connections\{peer="client"\} (\d+)/m) >= 1, 'open client connections');
    assert.match(text, /^meshdrop_relay_process_cpu_seconds_total /m);
    assert.equal(((await (await fetch(`${relay.url}/health`)).json()) as { ok: boolean }).ok, true);
  });

  it('a client that claims to be a relay link is still held to the quotas', async () => {
    // The relay has a configured peer (a closed loopback port), but the claim comes from another address.
    const relay = await startRelay({ peers: ['http://127.0.0.2:1/gun'], extraArgs: ['--no-app', '--quota-day', '512KiB'] });
    const liar = await RawGunWriter.open(`${relay.gunUrl}?meshdrop-relay=1`);
    let refusal: string | undefined;
    let stored = 0;
    for (let i = 0; i < 10 && !refusal; i++) {
      const ack = await liar.putRandomChunk(`liar${i}`, 128 * 1024);
      if (ack?.ok) stored++;
      else refusal = ack?.err;
    }
    liar.close();
    assert.equal(refusal, 'meshdrop:quota-day: daily write quota used up');
    assert.ok(stored <= 4, `a self-declared relay link stored ${stored} × 128 KB past a 512 KB quota`);
  });

  it('writes arriving from a configured peer relay count against the signer and the disk budget, not the link', async () => {
    const keyQuota = 64 * 1024;
    const [a, b] = await startMesh([[], [0]], [['--no-app', '--quota-day', '0', '--address-quota-day', '0'], ['--no-app', '--max-disk', '1MiB', '--quota-day', String(keyQuota)]]);
    await waitForRelayPeers(a, 1);
    // A signed user on relay a: a takes everything, b (which dialed a) only what the key's quota allows there.
    const user = await connectedClient([a.gunUrl]);
    const pair = await SEA.pair();
    await authUser(user, pair);
    // b refuses once the key's quota there is used up, but tells only its own clients: the writer hears a's ok.
    for (let i = 0; i < 10; i++) await putAcked(user.gun.user().get('md1').get('c').get('y').get(`m${i}`), 'z'.repeat(16 * 1024));
    // Anonymous writes through a: the link is not charged like a client connection (its 64 KB would be gone at
    // once), but b's disk budget still holds.
    const writer = await RawGunWriter.open(a.gunUrl);
    for (let i = 0; i < 40; i++) assert.equal((await writer.putRandomChunk(`link${i}`, 64 * 1024))?.ok, true);
    writer.close();
    type Health = { refused: Record<string, number> };
    let hb: Health = { refused: {} };
    // b hears a's forwarded writes a moment after a acks them.
    for (let i = 0; i < 150 && !((hb.refused['relay-full'] ?? 0) > 0); i++) {
      hb = (await (await fetch(`${b.url}/health`)).json()) as Health;
      await sleep(100);
    }
    await waitForDisk(a);
    await waitForDisk(b);
    const sizeA = await folderBytes(a.dataDir);
    const sizeB = await folderBytes(b.dataDir);
    hb = (await (await fetch(`${b.url}/health`)).json()) as Health;
    console.log(`  relay a stored ${sizeA} B; relay b (1 MB budget, 64 KB per key) stored ${sizeB} B, refused ${JSON.stringify(hb.refused)}`);
    assert.ok(sizeA > 2 * MB, 'relay a did not take the writes');
    assert.ok(sizeB <= MB, `relay b stored ${sizeB} B > its 1 MB budget`);
    assert.ok((hb.refused['quota-day'] ?? 0) > 0, "b never refused the signer's writes over its key quota");
    assert.ok((hb.refused['relay-full'] ?? 0) > 0, 'b never refused for its disk budget');
  });
});
