// Plumbing shared by the relay resilience tests: free ports, meshes, and end-to-end delivery checks with raw GUN.
import { createServer } from 'node:net';
import { startRelay, type RelayProcess } from './harness.js';
import { nodeGun, putAcked, SEA, waitForPeers, waitUntil, type NodeGun } from './gun-node.js';
import type { SeaPair } from '../../src/types/gun.js';

/** A port that was free a moment ago (so relays can be told each other's address before they start). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export const gunUrlOf = (port: number) => `http://127.0.0.1:${port}/gun`;

/** Starts relays on fixed ports; `links[i]` lists the indexes relay i is told to mesh with (--peers); `args[i]` more flags. */
export async function startMesh(links: number[][], args: string[][] = []): Promise<RelayProcess[]> {
  const ports = await Promise.all(links.map(() => freePort()));
  return Promise.all(links.map((to, i) => startRelay({ port: ports[i], peers: to.map((j) => gunUrlOf(ports[j] as number)), extraArgs: args[i] ?? [] })));
}

/** Waits until the relay reports `n` open websocket peers (clients and other relays) on /health. */
export async function waitForRelayPeers(relay: RelayProcess, n: number, timeoutMs = 15_000): Promise<void> {
  let open = -1;
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const health = (await (await fetch(`${relay.url}/health`)).json()) as { open: number };
    open = health.open;
    if (open >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`relay ${relay.url} has ${open} open peers, expected ${n}`);
}

export async function connectedClient(peers: string[]): Promise<NodeGun> {
  const client = nodeGun(peers);
  await waitForPeers(client, peers.length);
  return client;
}

export function authUser(client: NodeGun, pair: SeaPair): Promise<void> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('user auth timed out')), 15_000);
    client.gun.user().auth(pair, (ack) => {
      clearTimeout(timer);
      if (ack.err) fail(new Error(`auth failed: ${ack.err}`));
      else ok();
    });
  });
}

/** Collects every string value seen under `chain.map()` into `into` (key → value). */
export function collect(chain: ReturnType<NodeGun['gun']['get']>, into: Map<string, string>): void {
  chain.map().on((value, key) => {
    if (typeof value === 'string') into.set(key, value);
  });
}

let seq = 0;
/** A fresh public soul name for one check, so checks never see each other's data. */
export const uniqueSoul = (label: string) => `relaytest-${label}-${process.pid}-${Date.now().toString(36)}-${seq++}`;

/**
 * Proves end-to-end delivery from `writer` to `reader` through the relays between them, for public and signed
 * user-space data, both for a live subscriber and for a reader that asks after the data was written.
 */
export async function proveDelivery(writer: NodeGun, reader: NodeGun, label: string, timeoutMs = 10_000): Promise<void> {
  // Public space, live subscriber.
  const soul = uniqueSoul(label);
  const live = new Map<string, string>();
  collect(reader.gun.get(soul), live);
  for (let i = 0; i < 5; i++) await putAcked(writer.gun.get(soul).get(`k${i}`), `v${i}`);
  await waitUntil(() => live.size === 5, timeoutMs, `${label}: live public values arrived (${live.size}/5)`);

  // Signed user space: written first, read afterwards (history), then live.
  const pair = await SEA.pair();
  await authUser(writer, pair);
  const channel = () => writer.gun.user().get('md1').get('c').get(label);
  await putAcked(channel().get('m0'), 'signed-0');
  const signed = new Map<string, string>();
  collect(reader.gun.user(pair.pub).get('md1').get('c').get(label), signed);
  await waitUntil(() => signed.get('m0') === 'signed-0', timeoutMs, `${label}: signed history arrived`);
  await putAcked(channel().get('m1'), 'signed-1');
  await waitUntil(() => signed.get('m1') === 'signed-1', timeoutMs, `${label}: signed live value arrived`);
  writer.gun.user().leave();
}
