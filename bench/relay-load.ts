// Relay scale (issues 5.6 and 6.5): one relay, N Node GUN clients in groups of 10 exchanging messages for a while.
// Counts lost messages (must be 0) and samples the relay's CPU and memory from /proc.
//   node --import tsx bench/relay-load.ts [--clients 200] [--seconds 60] [--interval 1000] [--workers 4] [--record]
// --record writes bench/relay-load-record.json, which `npm run bench` quotes in bench/RESULTS.md.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cleanup, startRelay } from '../test/e2e/harness.js';
import { sleep } from '../test/e2e/gun-node.js';
import type { LoadWorkerConfig, LoadWorkerResult } from './lib/load-worker.js';
import { round, summarize, type Summary } from './lib/stats.js';

export interface LoadOptions {
  clients: number;
  seconds: number;
  intervalMs: number;
  workers: number;
  groupSize: number;
  drainMs: number;
}

export interface LoadResult {
  options: LoadOptions;
  sent: number;
  acked: number;
  ackErrors: number;
  expected: number;
  received: number;
  lost: number;
  latency: Summary;
  relay: { peakRssMB: number; peakCpuPercent: number; meanCpuPercent: number; droppedByRateLimit: number };
  /** Messages delivered per second (all receptions) during the sending window. */
  deliveriesPerSecond: number;
}

const TICK = 100; // USER_HZ on Linux

function procSample(pid: number): { cpuTicks: number; rssKB: number; hwmKB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { cpuTicks, rssKB: kb('VmRSS'), hwmKB: kb('VmHWM') };
}

function waitMessage<T>(child: ChildProcess, pick: (m: Record<string, unknown>) => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`load worker: timed out waiting for ${what}`)), timeoutMs);
    const on = (m: Record<string, unknown>) => {
      const v = pick(m);
      if (v === undefined) return;
      clearTimeout(timer);
      child.off('message', on);
      ok(v);
    };
    child.on('message', on);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`load worker exited (${String(code)}) while waiting for ${what}`));
    });
  });
}

export async function runRelayLoad(opts: Partial<LoadOptions> = {}): Promise<LoadResult> {
  const options: LoadOptions = { clients: 200, seconds: 60, intervalMs: 1000, workers: Math.max(2, Math.min(4, cpus().length * 2)), groupSize: 10, drainMs: 30_000, ...opts };
  const relay = await startRelay();
  const run = Date.now().toString(36);
  const groups = Math.ceil(options.clients / options.groupSize);
  const workerPath = fileURLToPath(new URL('./lib/load-worker.ts', import.meta.url));
  const children: ChildProcess[] = [];
  try {
    // Hand out whole groups to each worker.
    let group = 0;
    for (let w = 0; w < options.workers; w++) {
      const g = Math.floor(groups / options.workers) + (w < groups % options.workers ? 1 : 0);
      if (g === 0) continue;
      const first = group * options.groupSize;
      const count = Math.min(g * options.groupSize, options.clients - first);
      group += g;
      const cfg: LoadWorkerConfig = { gunUrl: relay.gunUrl, run, first, count, groupSize: options.groupSize, intervalMs: options.intervalMs };
      children.push(fork(workerPath, [JSON.stringify(cfg)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    }
    await Promise.all(children.map((c) => waitMessage(c, (m) => (m.ready ? true : undefined), 120_000, 'clients to connect')));

    // Sample the relay while the clients send.
    const samples: { t: number; cpuTicks: number; rssKB: number; hwmKB: number }[] = [];
    const sampler = setInterval(() => samples.push({ t: Date.now(), ...procSample(relay.pid) }), 500);
    samples.push({ t: Date.now(), ...procSample(relay.pid) });
    const started = Date.now();
    for (const c of children) c.send({ go: true, seconds: options.seconds });
    const sentCounts = await Promise.all(children.map((c) => waitMessage(c, (m) => (m.sentDone ? Number(m.sent) : undefined), options.seconds * 1000 + 60_000, 'sending to end')));
    const sendWindow = (Date.now() - started) / 1000;
    const expected = sentCounts.reduce((a, n) => a + n, 0) * (options.groupSize - 1);
    const deadline = Date.now() + options.drainMs;
    let received = 0;
    while (Date.now() < deadline) {
      const counts = await Promise.all(children.map((c) => (c.send({ count: true }), waitMessage(c, (m) => (typeof m.received === 'number' ? m.received : undefined), 10_000, 'count'))));
      received = counts.reduce((a, n) => a + n, 0);
      if (received >= expected) break;
      await sleep(500);
    }
    clearInterval(sampler);
    samples.push({ t: Date.now(), ...procSample(relay.pid) });
    const results = await Promise.all(children.map((c) => (c.send({ finish: true }), waitMessage(c, (m) => m.result as LoadWorkerResult | undefined, 30_000, 'result'))));
    const health = (await (await fetch(`${relay.url}/health`)).json()) as { dropped: number };

    let peakCpu = 0;
    for (let i = 2; i < samples.length; i++) {
      // CPU over ~1 s windows (two samples apart) to smooth the 10 ms tick granularity.
      const a = samples[i - 2]!;
      const b = samples[i]!;
      peakCpu = Math.max(peakCpu, ((b.cpuTicks - a.cpuTicks) / TICK / ((b.t - a.t) / 1000)) * 100);
    }
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    const latencies = results.flatMap((r) => r.latencies);
    const total = (k: 'sent' | 'acked' | 'ackErrors' | 'expected' | 'received') => results.reduce((a, r) => a + r[k], 0);
    return {
      options,
      sent: total('sent'),
      acked: total('acked'),
      ackErrors: total('ackErrors'),
      expected: total('expected'),
      received: total('received'),
      lost: total('expected') - total('received'),
      latency: summarize(latencies),
      relay: {
        peakRssMB: round(Math.max(...samples.map((s) => s.hwmKB)) / 1024),
        peakCpuPercent: round(peakCpu),
        meanCpuPercent: round(((last.cpuTicks - first.cpuTicks) / TICK / ((last.t - first.t) / 1000)) * 100),
        droppedByRateLimit: health.dropped,
      },
      deliveriesPerSecond: round(total('received') / sendWindow),
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await cleanup();
  }
}

export function describeLoad(r: LoadResult): string {
  return (
    `${r.options.clients} clients (groups of ${r.options.groupSize}, 1 message per ${r.options.intervalMs} ms each) for ${r.options.seconds} s: ` +
    `${r.sent} sent, ${r.acked} acked, ${r.received}/${r.expected} receptions, lost ${r.lost}; ` +
    `latency p50 ${round(r.latency.p50)} ms p99 ${round(r.latency.p99)} ms; relay peak RSS ${r.relay.peakRssMB} MB, ` +
    `CPU peak ${r.relay.peakCpuPercent}% mean ${r.relay.meanCpuPercent}% of one core; rate-limited drops ${r.relay.droppedByRateLimit}`
  );
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await runRelayLoad({ clients: flag('clients', 200), seconds: flag('seconds', 60), intervalMs: flag('interval', 1000), workers: flag('workers', 4) });
  console.log(describeLoad(r));
  if (process.argv.includes('--record')) {
    const out = fileURLToPath(new URL('./relay-load-record.json', import.meta.url));
    writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), command: `node --import tsx bench/relay-load.ts ${process.argv.slice(2).join(' ')}`, result: { ...r, latency: r.latency } }, null, 2));
    console.log(`recorded in ${out}`);
  }
  process.exit(r.lost === 0 ? 0 : 1);
}
