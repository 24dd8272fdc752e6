// Honest delivery latency through one relay while a hostile raw client floods it (issue 6.5).
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { authUser, connectedClient } from '../../test/e2e/relay-net.js';
import { SEA, sleep, waitUntil, type NodeGun } from '../../test/e2e/gun-node.js';
import { summarize, type Summary } from './stats.js';

export interface FloodResult {
  baseline: Summary & { lost: number };
  underFlood: Summary & { lost: number };
  /** Junk put messages the hostile client got onto the wire, and per second. */
  junkSent: number;
  junkPerSecond: number;
  /** Of those, unsigned writes aimed at the honest writer's user space. */
  forgedSent: number;
  /** Forged keys the honest reader ever saw in the writer's space (must be 0). */
  forgedSeen: number;
  /** With `dropped`: hostile messages the relay dropped while the honest messages under flood were being sent and delivered. */
  droppedDuringHonest?: number;
}

interface HonestPair {
  writer: NodeGun;
  reader: NodeGun;
  pub: string;
  channel: string;
  arrived: Map<string, number>;
  forgedSeen: Set<string>;
}

async function honestPair(gunUrl: string): Promise<HonestPair> {
  const writer = await connectedClient([gunUrl]);
  const reader = await connectedClient([gunUrl]);
  const pair = await SEA.pair();
  await authUser(writer, pair);
  const channel = `flood${Date.now().toString(36)}`;
  const arrived = new Map<string, number>();
  const forgedSeen = new Set<string>();
  reader.gun.user(pair.pub).get('md1').get('c').get(channel).map().on((_value, key) => {
    if (key.startsWith('forged')) forgedSeen.add(key);
    else if (!arrived.has(key)) arrived.set(key, performance.now());
  });
  await sleep(300);
  return { writer, reader, pub: pair.pub, channel, arrived, forgedSeen };
}

/** Sends `count` signed messages `gapMs` apart into the writer's space and returns per-message latency. */
async function honestRun(h: HonestPair, tag: string, count: number, gapMs: number, waitMs: number): Promise<Summary & { lost: number }> {
  const sentAt = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const key = `${tag}${String(i).padStart(4, '0')}`;
    sentAt.set(key, performance.now());
    h.writer.gun.user().get('md1').get('c').get(h.channel).get(key).put(`${tag}-${i}`);
    await sleep(gapMs);
  }
  const done = () => [...sentAt.keys()].every((k) => h.arrived.has(k));
  await waitUntil(done, waitMs, 'honest messages').catch(() => undefined);
  const latencies: number[] = [];
  for (const [key, t] of sentAt) {
    const got = h.arrived.get(key);
    if (got !== undefined) latencies.push(got - t);
  }
  return { ...summarize(latencies), lost: count - latencies.length };
}

/** Runs the hostile client in a worker thread so its own CPU use does not slow the honest clients' event loop. */
async function hostileFlood(gunUrl: string, victimPub: string, channel: string, perSecond: number) {
  const worker = new Worker(new URL('./hostile-worker.mjs', import.meta.url), { workerData: { gunUrl, victimPub, channel, perSecond } });
  await new Promise<void>((ok, fail) => {
    worker.once('message', (m: { ready?: boolean }) => (m.ready ? ok() : fail(new Error('hostile worker failed'))));
    worker.once('error', fail);
  });
  return {
    async stop(): Promise<{ sent: number; forged: number; seconds: number }> {
      const done = new Promise<{ sent: number; forged: number; seconds: number }>((ok) => worker.once('message', ok));
      worker.postMessage('stop');
      const result = await done;
      await worker.terminate();
      return result;
    },
  };
}

/**
 * Baseline: `count` honest messages with no flood; then the same while one raw client floods the relay with
 * `junkPerSecond` junk puts (public souls plus unsigned writes into the honest writer's space).
 */
export async function measureFlood(
  gunUrl: string,
  opts: { count?: number; gapMs?: number; junkPerSecond?: number; waitMs?: number; dropped?: () => Promise<number> } = {},
): Promise<FloodResult> {
  const { count = 150, gapMs = 20, junkPerSecond = 3000, waitMs = 20_000, dropped } = opts;
  const h = await honestPair(gunUrl);
  try {
    const baseline = await honestRun(h, 'base', count, gapMs, waitMs);
    const flood = await hostileFlood(gunUrl, h.pub, h.channel, junkPerSecond);
    // Honest messages go out once the flood is at full strength: when the relay is dropping the hostile client's
    // excess (given a way to ask it), else after a moment.
    if (dropped) {
      const end = Date.now() + waitMs;
      while ((await dropped()) === 0 && Date.now() < end) await sleep(50);
    } else await sleep(500);
    const droppedBefore = await dropped?.();
    // The flood keeps running until every honest message arrived (or waitMs passed): they arrive during it.
    const underFlood = await honestRun(h, 'under', count, gapMs, waitMs);
    const droppedAfter = await dropped?.();
    const junk = await flood.stop();
    return {
      baseline,
      underFlood,
      junkSent: junk.sent,
      junkPerSecond: junk.sent / junk.seconds,
      forgedSent: junk.forged,
      forgedSeen: h.forgedSeen.size,
      droppedDuringHonest: droppedBefore === undefined || droppedAfter === undefined ? undefined : droppedAfter - droppedBefore,
    };
  } finally {
    h.writer.close();
    h.reader.close();
  }
}
