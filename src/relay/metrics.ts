/**
 * The relay's operator view: Prometheus metrics in prom-client's default registry (`register`), so other relay
 * modules (blob store, push sender) add their own metrics next to these and /metrics shows them all.
 * Metrics are per process: relays started in one process (tests) add up.
 */
import { Counter, Gauge, collectDefaultMetrics, register, type Metric } from 'prom-client';

/** Reuses a metric already in the registry (a second relay in the same process), or makes it. */
function metric<T extends Metric>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

let defaultsOn = false;

/** The relay's own metrics. */
export interface RelayMetrics {
  messagesIn: Counter<'peer'>;
  bytesIn: Counter<'peer'>;
  refusals: Counter<'reason'>;
  writes: Counter<'soul'>;
  storedBytes: Gauge<'kind'>;
  diskBudgetBytes: Gauge;
}

/** Creates (once per process) and returns the relay's metrics. */
export function relayMetrics(): RelayMetrics {
  if (!defaultsOn) {
    defaultsOn = true;
    collectDefaultMetrics({ prefix: 'meshdrop_relay_' });
  }
  return {
    messagesIn: metric('meshdrop_relay_messages_in_total', () => new Counter({ name: 'meshdrop_relay_messages_in_total', help: 'GUN messages received', labelNames: ['peer'] })),
    bytesIn: metric('meshdrop_relay_bytes_in_total', () => new Counter({ name: 'meshdrop_relay_bytes_in_total', help: 'Bytes of GUN websocket frames received', labelNames: ['peer'] })),
    refusals: metric(
      'meshdrop_relay_refusals_total',
      () => new Counter({ name: 'meshdrop_relay_refusals_total', help: 'Writes refused or messages dropped, by reason (quota-day, quota-stored, relay-full, rate, forged)', labelNames: ['reason'] }),
    ),
    writes: metric(
      'meshdrop_relay_writes_total',
      () => new Counter({ name: 'meshdrop_relay_writes_total', help: 'Graph writes accepted, by soul kind (user = ~<pub> signed space, content = #hash, other)', labelNames: ['soul'] }),
    ),
    storedBytes: metric('meshdrop_relay_stored_bytes', () => new Gauge({ name: 'meshdrop_relay_stored_bytes', help: 'Bytes in the data folder, by kind (graph, blobs, other)', labelNames: ['kind'] })),
    diskBudgetBytes: metric('meshdrop_relay_disk_budget_bytes', () => new Gauge({ name: 'meshdrop_relay_disk_budget_bytes', help: 'The --max-disk budget in bytes (0 = none)' })),
  };
}

/** What one relay reports when scraped: GUN's own counters of what it sent, and its open peers. */
export interface ScrapeSource {
  messagesOut(): number;
  bytesOut(): number;
  connections(): { client: number; relay: number };
}

const sources = new Set<ScrapeSource>();

/** Adds a relay's scrape-time figures to /metrics; returns the function that removes them. */
export function addScrapeSource(source: ScrapeSource): () => void {
  relayMetrics();
  sources.add(source);
  if (!register.getSingleMetric('meshdrop_relay_messages_out_total')) {
    const sum = (f: (s: ScrapeSource) => number) => [...sources].reduce((n, s) => n + f(s), 0);
    new Counter({
      name: 'meshdrop_relay_messages_out_total',
      help: 'GUN messages sent (batched frames count once)',
      collect() {
        this.reset();
        this.inc(sum((s) => s.messagesOut()));
      },
    });
    new Counter({
      name: 'meshdrop_relay_bytes_out_total',
      help: 'Bytes of GUN websocket frames sent',
      collect() {
        this.reset();
        this.inc(sum((s) => s.bytesOut()));
      },
    });
    new Gauge({
      name: 'meshdrop_relay_connections',
      help: 'Open websocket peers (client = apps and other GUN clients, relay = mesh links)',
      labelNames: ['peer'],
      collect() {
        this.set({ peer: 'client' }, sum((s) => s.connections().client));
        this.set({ peer: 'relay' }, sum((s) => s.connections().relay));
      },
    });
  }
  return () => sources.delete(source);
}

/** Prometheus text for every metric in the default registry. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}

interface CountedHear {
  (raw: unknown, peer: unknown, ...rest: unknown[]): unknown;
  one(msg: unknown, peer: unknown, ...rest: unknown[]): unknown;
}

/**
 * Counts the messages GUN takes in. Wraps `mesh.hear.one`, so it must run while `mesh.hear` is still GUN's own
 * (before the rate limit replaces it): then it counts what passed the rate limit.
 */
export function countMessagesIn(mesh: { hear: CountedHear }, kind: (peer: unknown) => 'client' | 'relay'): void {
  const { messagesIn } = relayMetrics();
  const one = mesh.hear.one;
  mesh.hear.one = function (msg, peer, ...rest) {
    messagesIn.inc({ peer: kind(peer) });
    return one.call(this, msg, peer, ...rest);
  };
}

/** Counts the bytes of every frame received; installed last (outermost), so it sees what the rate limit drops. */
export function countBytesIn(mesh: { hear: CountedHear }, kind: (peer: unknown) => 'client' | 'relay'): void {
  const { bytesIn } = relayMetrics();
  const inner = mesh.hear;
  const hear = function (this: unknown, raw: unknown, peer: unknown, ...rest: unknown[]) {
    if (typeof raw === 'string') bytesIn.inc({ peer: kind(peer) }, raw.length);
    return inner.call(this, raw, peer, ...rest);
  } as CountedHear;
  // GUN looks up its handlers (one, '?', counters...) on mesh.hear: keep them reachable on the wrapper.
  mesh.hear = Object.assign(hear, inner);
}
