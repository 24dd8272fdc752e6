// Standalone: file drop through the relays' blob stores vs WebCrypto and the raw HTTP path, with peak JS heap.
// Usage: npm run build && node --import tsx bench/file-blobs.ts [sizes in MiB, default 10,100,1024]
import { cleanup, launchBrowser, startRelay } from '../test/e2e/harness.js';
import { cryptoBaseline, fileBlobThroughput } from './lib/file-blobs.js';

const sizes = (process.argv[2] ?? '10,100,1024').split(',').map(Number);
const relay = await startRelay();
const browser = await launchBrowser();
try {
  const crypto = await cryptoBaseline(browser, relay.url);
  console.log(JSON.stringify({ crypto }));
  const runs = await fileBlobThroughput(browser, relay, sizes);
  console.log(JSON.stringify({ crypto, runs }, null, 2));
} finally {
  await browser.close();
  await cleanup();
}
