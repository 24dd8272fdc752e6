/**
 * The blob store's Prometheus metrics, on prom-client's default registry (which /metrics serves). Created once
 * per process: several relays started in one process (tests) share them, and the stored-bytes gauge sums them.
 */
import { Counter, Gauge, register } from 'prom-client';

/** Counters and gauge one BlobStore reports to. */
export interface BlobMetrics {
  hits: Counter;
  misses: Counter;
  peerFetches: Counter<'result'>;
  refusals: Counter<'reason'>;
  uploadedBytes: Counter;
  servedBytes: Counter;
  /** Adds a source of stored bytes to the gauge; returns a function that removes it. */
  trackStored(read: () => number): () => void;
}

let metrics: BlobMetrics | undefined;

/** The process-wide blob metrics (registered on first use). */
export function blobMetrics(): BlobMetrics {
  if (metrics) return metrics;
  const sources = new Set<() => number>();
  const existing = <T>(name: string) => register.getSingleMetric(name) as T | undefined;
  const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
    existing<Counter<L>>(name) ?? new Counter<L>({ name, help, labelNames });
  const stored =
    existing<Gauge>('meshdrop_blob_stored_bytes') ??
    new Gauge({
      name: 'meshdrop_blob_stored_bytes',
      help: 'Bytes of file blobs stored on disk',
      collect() {
        let total = 0;
        for (const read of sources) total += read();
        this.set(total);
      },
    });
  void stored;
  metrics = {
    hits: counter('meshdrop_blob_hits_total', 'Blob GETs answered from this relay\'s disk'),
    misses: counter('meshdrop_blob_misses_total', 'Blob GETs for a blob this relay did not have'),
    peerFetches: counter('meshdrop_blob_peer_fetches_total', 'Blobs asked of meshed relays, by result', ['result']),
    refusals: counter('meshdrop_blob_refusals_total', 'Blob uploads or downloads refused, by reason', ['reason']),
    uploadedBytes: counter('meshdrop_blob_uploaded_bytes_total', 'Blob bytes accepted from clients and peers'),
    servedBytes: counter('meshdrop_blob_served_bytes_total', 'Blob bytes sent to clients and peers'),
    trackStored(read) {
      sources.add(read);
      return () => sources.delete(read);
    },
  };
  return metrics;
}
