// One load-generating process (forked by bench/relay-load.ts): hosts a slice of the Node GUN clients.
// Each client belongs to a group of 10 sharing one public soul; it sends a message every `intervalMs` and
// records when every message of its group arrives.
import { nodeGun, waitForPeers, sleep, type NodeGun } from '../../test/e2e/gun-node.js';

export interface LoadWorkerConfig {
  gunUrl: string;
  run: string;
  /** Global indexes of the clients this worker hosts. */
  first: number;
  count: number;
  groupSize: number;
  intervalMs: number;
}

export interface LoadWorkerResult {
  sent: number;
  acked: number;
  ackErrors: number;
  /** Receptions expected (each message by every other member of its group) and seen. */
  expected: number;
  received: number;
  latencies: number[];
}

interface Sent {
  key: string;
  group: number;
}
// Groups never straddle two workers (the parent hands out whole groups), so expected receptions are local.

type FromParent = { go: true; seconds: number } | { count: true } | { finish: true };

const config = JSON.parse(process.argv[2] as string) as LoadWorkerConfig;
const send = (m: unknown) => process.send?.(m);

const clients: { gun: NodeGun; index: number; group: number; seen: Map<string, number> }[] = [];
for (let i = 0; i < config.count; i++) {
  const index = config.first + i;
  clients.push({ gun: nodeGun([config.gunUrl]), index, group: Math.floor(index / config.groupSize), seen: new Map() });
}
const soulOf = (group: number) => `load-${config.run}-g${group}`;
await Promise.all(clients.map((c) => waitForPeers(c.gun, 1, 60_000)));
for (const c of clients) {
  c.gun.gun.get(soulOf(c.group)).map().on((value, key) => {
    if (typeof value !== 'string' || c.seen.has(key)) return;
    const sentAt = Number(value.split('|')[1]);
    c.seen.set(key, Date.now() - sentAt);
  });
}
await sleep(1000);
send({ ready: true });

const sent: Sent[] = [];
let acked = 0;
let ackErrors = 0;
let stopping = false;

async function sender(c: (typeof clients)[number], seconds: number): Promise<void> {
  await sleep(Math.random() * config.intervalMs); // spread the clients over the interval
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end && !stopping) {
    const key = `c${c.index}-${n++}`;
    sent.push({ key, group: c.group });
    let first = true;
    c.gun.gun.get(soulOf(c.group)).get(key).put(`${key}|${Date.now()}|${'x'.repeat(100)}`, (ack) => {
      if (!first) return;
      first = false;
      if (ack.err) ackErrors++;
      else acked++;
    });
    await sleep(config.intervalMs);
  }
}

function receptions(): number[] {
  const latencies: number[] = [];
  for (const c of clients) {
    for (const [key, latency] of c.seen) {
      if (!key.startsWith(`c${c.index}-`)) latencies.push(latency); // own messages echo locally: not a delivery
    }
  }
  return latencies;
}

process.on('message', async (m: FromParent) => {
  if ('go' in m) {
    await Promise.all(clients.map((c) => sender(c, m.seconds)));
    send({ sentDone: true, sent: sent.length });
    return;
  }
  if ('count' in m) {
    send({ received: receptions().length });
    return;
  }
  stopping = true;
  const latencies = receptions();
  const result: LoadWorkerResult = { sent: sent.length, acked, ackErrors, expected: sent.length * (config.groupSize - 1), received: latencies.length, latencies };
  send({ result });
  for (const c of clients) c.gun.close();
  setTimeout(() => process.exit(0), 100);
});
