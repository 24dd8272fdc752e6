// Unit and component tests run in Debian's Chromium (no downloaded browser).
// A real Meshdrop relay (the relay program, run from source) is started for the whole run, so browser
// tests can run several controllers against it; its URL reaches test pages as window.__MESHDROP_RELAY__.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { esbuildPlugin } from '@web/dev-server-esbuild';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function startTestRelay() {
  const dataDir = mkdtempSync(join(tmpdir(), 'meshdrop-wtr-relay-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/relay/main.ts', '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--no-app'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-blobs`, { recursive: true, force: true }); // the relay's file blobs, beside its data
  };
  process.on('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stop(); process.exit(130); });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('test relay did not start within 30 s')), 30000);
    child.stdout.on('data', (d) => {
      out += String(d);
      const m = /MESHDROP_RELAY_READY port=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`test relay exited with ${code}`)));
  });
  child.stdout.resume();
  return { url: `http://127.0.0.1:${port}`, dataDir };
}

const relay = await startTestRelay();
const relayUrl = relay.url;

/** Every file the relay persisted, as text (GUN's radisk files are JSON-ish text). */
function relayDataText(dir) {
  let text = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    text += statSync(path).isDirectory() ? relayDataText(path) : readFileSync(path, 'utf8');
  }
  return text;
}

/** Server command for tests: which of `needles` occur in the relay's data folder (and its size). */
const relayScanPlugin = {
  name: 'meshdrop-relay-scan',
  executeCommand({ command, payload }) {
    if (command !== 'relay-data-scan') return undefined;
    const text = relayDataText(relay.dataDir);
    return { bytes: text.length, found: (payload?.needles ?? []).filter((n) => text.includes(n)) };
  },
};

export default {
  files: ['test/**/*.test.ts', '!test/e2e/**', '!test/relay/**'],
  nodeResolve: { browser: true },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), relayScanPlugin],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS },
    }),
  ],
  testRunnerHtml: (testFramework) =>
    `<!doctype html><html><head><script>window.__MESHDROP_RELAY__ = ${JSON.stringify(relayUrl)};</script></head>` +
    `<body><script type="module" src="${testFramework}"></script></body></html>`,
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 180000,
  filterBrowserLogs: ({ args }) => !args.some((a) => typeof a === 'string' && /Hello wonderful person/.test(a)),
};
