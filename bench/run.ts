// `npm run bench`: measures Meshdrop against baselines taken in the same run and writes bench/RESULTS.md.
// Every figure comes from real headless Chromium profiles, real relay processes on loopback and real GUN clients.
// Budget: < 10 minutes on 2 cores. BENCH_QUICK=1 shrinks every step for a smoke run.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cleanup, launchBrowser, startRelay } from '../test/e2e/harness.js';
import { closeAllGuns } from '../test/e2e/gun-node.js';
import { appMessageLatency1to1, type AppLatencyResult } from './lib/app-latency.js';
import { browserGunBaseline, webCryptoThroughput, webSocketBandwidth } from './lib/browser.js';
import { bundleSizes } from './lib/bundle.js';
import { coldStartOffline } from './lib/cold-start.js';
import { measureFlood } from './lib/flood.js';
import { nodeGunBaseline } from './lib/node-baseline.js';
import { round, type Summary } from './lib/stats.js';
import { describeLoad, runRelayLoad, type LoadResult } from './relay-load.js';

const QUICK = process.env.BENCH_QUICK === '1';
const N = QUICK ? 100 : 500;
const results: Record<string, unknown> = {};
const started = Date.now();

function step<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  const t = Date.now();
  process.stdout.write(`bench: ${name}… `);
  return run().then(
    (r) => {
      console.log(`done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      results[name] = r;
      return r;
    },
    (err: unknown) => {
      console.log(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
      results[name] = { error: err instanceof Error ? err.message : String(err) };
      return undefined;
    },
  );
}

/*
 * ───── App-level measurements (issue 5). Each returns undefined until the feature it needs exists. ─────
 * Plug new ones in here; `report()` prints whatever they return next to their baseline.
 * - 1:1 message latency: implemented (appMessageLatency1to1), ratio vs the browser GUN baseline.
 * - TODO group (10 members) message latency: same as 1:1 with a group channel (needs 10 profiles, ~10 contexts).
 * - TODO sustained throughput (messages/s delivered) 1:1 and group.
 * - TODO file drop MB/s for 1 MB and 10 MB files vs WebSocket bandwidth (goal ≥ 25%) and AES-GCM throughput.
 * - TODO opening a chat with 10,000 cached messages: time to newest 50 (goal ≤ 300 ms) and memory.
 */
const appMeasurements = {
  groupLatency: async (): Promise<Summary | undefined> => undefined,
  throughput: async (): Promise<{ oneToOne: number; group: number } | undefined> => undefined,
  fileThroughput: async (): Promise<{ mb1: number; mb10: number } | undefined> => undefined,
  openLargeChat: async (): Promise<{ ms: number; heapMB: number } | undefined> => undefined,
};

function chromiumVersion(version: string | undefined): string {
  if (version) return version;
  try {
    return execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const ms = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : `${round(x)} ms`);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? '–' : `${round(a / b, 2)}×`);

async function main(): Promise<void> {
  const loadBefore = loadavg().map((x) => round(x, 2));
  const relay = await startRelay();
  const browser = await launchBrowser();
  const browserVersion = browser.version();
  let nodeBase: (Summary & { lost: number }) | undefined;
  let browserBase: (Summary & { lost: number }) | undefined;
  let app: AppLatencyResult | undefined;
  let load: LoadResult | undefined;
  try {
    nodeBase = await step('node GUN baseline', () => nodeGunBaseline(relay.gunUrl, N, 5));
    browserBase = await step('browser GUN baseline', () => browserGunBaseline(browser, relay.url, N, 5));
    app = await step("app 1:1 message latency", () => appMessageLatency1to1(browser, relay, N, 100));
    await step('WebCrypto AES-GCM', () => webCryptoThroughput(browser, relay.url, QUICK ? 16 : 64));
    await step('WebSocket bandwidth', () => webSocketBandwidth(browser, QUICK ? 16 : 64));
    await step('bundle size', () => bundleSizes());
    await step('cold start offline', () => coldStartOffline(relay.url, QUICK ? 2 : 5));
    for (const [name, run] of Object.entries(appMeasurements)) await step<unknown>(`app ${name}`, run as () => Promise<unknown>);
  } finally {
    await browser.close();
    closeAllGuns();
    await cleanup();
  }
  const floodRelay = await startRelay();
  await step('relay flood', () => measureFlood(floodRelay.gunUrl, { count: QUICK ? 60 : 150, gapMs: 20, junkPerSecond: 3000 }));
  closeAllGuns();
  await cleanup();
  load = await step('relay load', () => runRelayLoad({ clients: QUICK ? 40 : 200, seconds: QUICK ? 8 : 20, intervalMs: 2000, workers: 4 }));
  await cleanup();
  const loadAfter = loadavg().map((x) => round(x, 2));
  writeFileSync(fileURLToPath(new URL('./results.json', import.meta.url)), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
  writeFileSync(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), report({ nodeBase, browserBase, app, load, browserVersion, loadBefore, loadAfter }));
  console.log(`bench: wrote bench/RESULTS.md in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

interface ReportInput {
  nodeBase?: Summary & { lost: number };
  browserBase?: Summary & { lost: number };
  app?: AppLatencyResult;
  load?: LoadResult;
  browserVersion: string;
  loadBefore: number[];
  loadAfter: number[];
}

function report(r: ReportInput): string {
  const get = <T>(name: string) => results[name] as (T & { error?: string }) | undefined;
  const crypto = get<{ encryptMBps: number; decryptMBps: number; totalMB: number }>('WebCrypto AES-GCM');
  const ws = get<{ MBps: number; totalMB: number }>('WebSocket bandwidth');
  const bundle = get<{ totalGzipKB: number; appGzipKB: number; appMinKB: number; totalMinKB: number; gunGzipKB: number }>('bundle size');
  const cold = get<Summary & { online: number }>('cold start offline');
  const flood = get<{ baseline: Summary & { lost: number }; underFlood: Summary & { lost: number }; junkPerSecond: number; forgedSent: number; forgedSeen: number }>('relay flood');
  const record = existsSync(fileURLToPath(new URL('./relay-load-record.json', import.meta.url)))
    ? (JSON.parse(readFileSync(fileURLToPath(new URL('./relay-load-record.json', import.meta.url)), 'utf8')) as { at: string; command: string; result: LoadResult })
    : undefined;
  const errors = Object.entries(results).filter(([, v]) => (v as { error?: string } | undefined)?.error);
  const lines = [
    '# Meshdrop benchmark results',
    '',
    `Command: \`npm run bench\`${QUICK ? ' (BENCH_QUICK=1: reduced sizes)' : ''} — ${new Date().toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${round(totalmem() / 2 ** 30, 1)} GiB RAM, Node ${process.version}, ` +
      `Chromium ${chromiumVersion(r.browserVersion)} (headless). Load average before/after: ${r.loadBefore.join(' ')} / ${r.loadAfter.join(' ')} ` +
      '(the machine is shared with other jobs: compare ratios within this run, not absolute figures across runs).',
    '',
    'All latencies are send → receive on one loopback relay, both ends in this machine; p99 by nearest rank.',
    '',
    '## Message latency',
    '',
    '| Measurement | n | lost | p50 | p99 | p50 ratio vs browser GUN baseline | goal |',
    '|---|---|---|---|---|---|---|',
    `| Baseline: raw GUN put→on, 2 Node clients (paced 5 ms) | ${r.nodeBase?.n ?? '–'} | ${r.nodeBase?.lost ?? '–'} | ${ms(r.nodeBase?.p50)} | ${ms(r.nodeBase?.p99)} | ${ratio(r.nodeBase?.p50, r.browserBase?.p50)} | |`,
    `| Baseline: raw GUN put→on, 2 Chromium profiles (paced 5 ms) | ${r.browserBase?.n ?? '–'} | ${r.browserBase?.lost ?? '–'} | ${ms(r.browserBase?.p50)} | ${ms(r.browserBase?.p99)} | 1× | |`,
    `| App 1:1, A's controller → B's controller (paced ${r.app?.gapMs ?? '–'} ms) | ${r.app?.delivered.n ?? '–'} | ${r.app?.delivered.lost ?? '–'} | ${ms(r.app?.delivered.p50)} | ${ms(r.app?.delivered.p99)} | ${ratio(r.app?.delivered.p50, r.browserBase?.p50)} | |`,
    `| App 1:1, send → rendered in B (chat open; +2 animation frames) | ${r.app?.rendered.n ?? '–'} | ${r.app?.rendered.lost ?? '–'} | ${ms(r.app?.rendered.p50)} | ${ms(r.app?.rendered.p99)} | ${ratio(r.app?.rendered.p50, r.browserBase?.p50)} | p50 ≤ 1.5×, p99 ≤ 100 ms |`,
    `| (A's \`sendText()\` call itself; messages are sent one after another, ${r.app?.gapMs ?? '–'} ms apart) | ${r.app?.sendCall.n ?? '–'} | | ${ms(r.app?.sendCall.p50)} | ${ms(r.app?.sendCall.p99)} | | |`,
    '| App group of 10 | – | – | – | – | – | not measured yet (bench/run.ts `appMeasurements.groupLatency`) |',
    '',
    '## Throughput baselines (for file drop)',
    '',
    '| Measurement | result | note |',
    '|---|---|---|',
    `| WebCrypto AES-GCM-256 in Chromium, 256 KiB chunks | encrypt ${crypto?.encryptMBps ? round(crypto.encryptMBps) : '–'} MB/s, decrypt ${crypto?.decryptMBps ? round(crypto.decryptMBps) : '–'} MB/s | ${crypto?.totalMB ?? '–'} MB each way |`,
    `| Raw WebSocket, Chromium → Node \`ws\` server on loopback | ${ws?.MBps ? round(ws.MBps) : '–'} MB/s | ${ws?.totalMB ?? '–'} MB in 256 KiB frames; file-drop goal ≥ 25% = ${ws?.MBps ? round(ws.MBps / 4) : '–'} MB/s |`,
    '| App file drop 1 MB / 10 MB | – | not measured yet (`appMeasurements.fileThroughput`) |',
    '| App sustained messages/s | – | not measured yet (`appMeasurements.throughput`) |',
    '| Open chat with 10,000 cached messages | – | not measured yet (`appMeasurements.openLargeChat`) |',
    '',
    '## Start-up and size',
    '',
    '| Measurement | result | goal |',
    '|---|---|---|',
    `| Cold start, network off, to onboarding form / signed-in shell (fresh browser process, SW installed) | p50 ${ms(cold?.p50)}, max ${ms(cold?.max)} over ${cold?.n ?? '–'} runs (first online visit ${ms(cold?.online)}) | ≤ 1000 ms |`,
    `| App code gzip (src/main.ts bundled + minified with gun external) | ${bundle?.appGzipKB ?? '–'} KB (${bundle?.appMinKB ?? '–'} KB minified) | ≤ 150 KB |`,
    `| dist/app/app.js gzip (everything, as shipped) | ${bundle?.totalGzipKB ?? '–'} KB (${bundle?.totalMinKB ?? '–'} KB minified); GUN+SEA alone ${bundle?.gunGzipKB ?? '–'} KB | |`,
    '',
    '## Relay',
    '',
    '| Measurement | result |',
    '|---|---|',
    `| Honest signed messages, baseline (no flood) | p50 ${ms(flood?.baseline.p50)}, p99 ${ms(flood?.baseline.p99)}, lost ${flood?.baseline.lost ?? '–'} of ${flood?.baseline.n ?? '–'} |`,
    `| Same during a raw junk flood of ${flood?.junkPerSecond ? Math.round(flood.junkPerSecond) : '–'} puts/s from one hostile client | p50 ${ms(flood?.underFlood.p50)}, p99 ${ms(flood?.underFlood.p99)}, lost ${flood?.underFlood.lost ?? '–'}; forged user-space writes sent ${flood?.forgedSent ?? '–'}, seen by the reader ${flood?.forgedSeen ?? '–'} |`,
    `| Load (this run, shorter) | ${r.load ? describeLoad(r.load) : '–'} |`,
    `| Load (recorded 60 s run: ${record ? `${record.at}, \`${record.command}\`` : 'none yet'}) | ${record ? describeLoad(record.result) : 'run `node --import tsx bench/relay-load.ts --record`'} |`,
    '',
  ];
  // Hand-written before/after notes of past optimisations, kept across runs.
  const notes = fileURLToPath(new URL('./OPTIMISATIONS.md', import.meta.url));
  if (existsSync(notes)) lines.push(readFileSync(notes, 'utf8').trimEnd(), '');
  if (errors.length) {
    lines.push('## Steps that failed in this run', '');
    for (const [name, v] of errors) lines.push(`- ${name}: ${(v as { error: string }).error}`);
    lines.push('');
  }
  return lines.join('\n');
}

await main();
process.exit(0);
