// Just the file drop throughput next to its baselines (raw WebSocket loopback, WebCrypto AES-GCM), for working on
// the file transfer path:
//   npm run build && node --import tsx bench/file-throughput.ts [--sizes 1,10] [--profile out-prefix]
// --profile writes a V8 CPU profile of each page per size (<prefix>-<MB>-a.cpuprofile, <prefix>-<MB>-b.cpuprofile)
// and of the relay process (<prefix>-relay/*.cpuprofile, whole run); build with NODE_ENV=development first to get
// readable function names.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession } from 'playwright-core';
import { cleanup, launchBrowser, startRelay } from '../test/e2e/harness.js';
import { webCryptoThroughput, webSocketBandwidth } from './lib/browser.js';
import { appFileThroughput } from './lib/file-throughput.js';
import { round } from './lib/stats.js';

const { values } = parseArgs({ options: { sizes: { type: 'string' }, profile: { type: 'string' } } });
const sizes = (values.sizes ?? '1,10').split(',').map(Number);
const profile = values.profile;

// The relay is its own node process: profile it with --cpu-prof (written when it exits on SIGTERM).
const relayProfileDir = profile ? resolve(`${profile}-relay`) : undefined;
if (relayProfileDir) mkdirSync(relayProfileDir, { recursive: true });
const relay = await startRelay(relayProfileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${relayProfileDir}`] } : {});

const browser = await launchBrowser();
try {
  const ws = await webSocketBandwidth(browser, 64);
  const aes = await webCryptoThroughput(browser, relay.url, 64);
  console.log(`WebSocket loopback: ${round(ws.MBps, 2)} MB/s; WebCrypto AES-GCM: encrypt ${round(aes.encryptMBps, 1)} MB/s, decrypt ${round(aes.decryptMBps, 1)} MB/s`);
  const sessions: CDPSession[] = [];
  const result = await appFileThroughput(browser, relay, sizes, {
    async beforeSend(a, b) {
      if (!profile) return;
      for (const p of [a, b]) {
        const s = await p.context().newCDPSession(p);
        await s.send('Profiler.enable');
        await s.send('Profiler.setSamplingInterval', { interval: 500 });
        await s.send('Profiler.start');
        sessions.push(s);
      }
    },
    async afterReceive(_a, _b, mb) {
      for (const [i, s] of sessions.entries()) {
        const { profile: p } = await s.send('Profiler.stop');
        writeFileSync(`${profile}-${mb}-${'ab'[i]}.cpuprofile`, JSON.stringify(p));
        await s.detach();
      }
      sessions.length = 0;
    },
  });
  for (const r of result.runs) {
    console.log(
      `${r.sizeMB} MB: ${r.ms} ms end to end = ${r.MBps} MB/s (${round((100 * r.MBps) / ws.MBps, 1)}% of WebSocket) | ` +
        `sendFiles() ${r.sendCallMs} ms, sender 'sent' at ${r.sentMs} ms, receiver announced at ${r.announcedMs} ms, ` +
        `first chunk at ${r.firstChunkMs} ms, first chunk → complete ${r.downloadMs} ms`,
    );
  }
} finally {
  await browser.close();
  if (profile) await relay.kill('SIGTERM');
  await cleanup();
}
