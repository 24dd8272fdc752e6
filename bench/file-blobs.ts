// Standalone: file drop through the relays' blob stores vs WebCrypto and the raw HTTP path, with peak JS heap.
// Usage: npm run build && node --import tsx bench/file-blobs.ts [--record] [sizes in MiB, default 10,100,1024]
// --record keeps the result in bench/file-blobs-record.json, which `npm run bench` puts into RESULTS.md.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cleanup, launchBrowser, startRelay } from '../test/e2e/harness.js';
import { cryptoBaseline, fileBlobsMarkdown, fileBlobThroughput, type FileBlobsRecord } from './lib/file-blobs.js';

const args = process.argv.slice(2);
const recordIt = args.includes('--record');
const sizes = (args.find((a) => !a.startsWith('--')) ?? '10,100,1024').split(',').map(Number);
const loadAverage = loadavg();
const relay = await startRelay();
// A second relay, not meshed with the first: the sender's extra copies (src/sync/blob-network.ts) go there.
const second = await startRelay({ extraArgs: ['--no-app'] });
const browser = await launchBrowser();
try {
  const crypto = await cryptoBaseline(browser, relay.url);
  console.log(JSON.stringify({ crypto }));
  const runs = await fileBlobThroughput(browser, relay, sizes, second);
  const record: FileBlobsRecord = { at: new Date().toISOString(), command: `node --import tsx bench/file-blobs.ts ${args.join(' ')}`.trim(), loadAverage, crypto, runs };
  console.log(fileBlobsMarkdown(record).join('\n'));
  if (recordIt) writeFileSync(fileURLToPath(new URL('./file-blobs-record.json', import.meta.url)), JSON.stringify(record, null, 2) + '\n');
} finally {
  await browser.close();
  await cleanup();
}
