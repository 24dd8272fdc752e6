// Raw GUN put→on latency between two Node clients on the same relay: the floor for the app's own latency.
import { performance } from 'node:perf_hooks';
import { nodeGun, sleep, waitForPeers, waitUntil } from '../../test/e2e/gun-node.js';
import { summarize, type Summary } from './stats.js';

export async function nodeGunBaseline(gunUrl: string, count = 500, gapMs = 5): Promise<Summary & { lost: number }> {
  const a = nodeGun([gunUrl]);
  const b = nodeGun([gunUrl]);
  try {
    await waitForPeers(a);
    await waitForPeers(b);
    const soul = `node-baseline-${Date.now().toString(36)}`;
    const recv = new Map<string, number>();
    b.gun.get(soul).map().on((_v, k) => {
      if (!recv.has(k)) recv.set(k, performance.now());
    });
    a.gun.get(soul).get('warmup').put('w');
    await waitUntil(() => recv.has('warmup'), 15_000, 'warm-up value');
    const sent = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const k = `m${String(i).padStart(4, '0')}`;
      sent.set(k, performance.now());
      a.gun.get(soul).get(k).put(`v${i}`);
      await sleep(gapMs);
    }
    await waitUntil(() => recv.size >= count + 1, 20_000, 'baseline values').catch(() => undefined);
    const latencies = [...sent].flatMap(([k, t]) => (recv.has(k) ? [(recv.get(k) as number) - t] : []));
    return { ...summarize(latencies), lost: count - latencies.length };
  } finally {
    a.close();
    b.close();
  }
}
