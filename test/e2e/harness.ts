// Shared e2e plumbing: real relay processes on loopback ports and isolated Chromium profiles.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface RelayProcess {
  readonly port: number;
  /** http://127.0.0.1:PORT — the app's origin. */
  readonly url: string;
  /** GUN websocket URL of this relay, for --peers and raw clients. */
  readonly gunUrl: string;
  readonly dataDir: string;
  /** OS process id (for /proc sampling in benchmarks). */
  readonly pid: number;
  readonly output: () => string;
  /** Kills the process (SIGKILL by default) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export async function tempDir(prefix = 'meshdrop-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export interface RelayStartOptions {
  dataDir?: string;
  peers?: string[];
  port?: number;
  extraArgs?: string[];
  /** Flags for node itself (e.g. --cpu-prof), before the script. */
  nodeArgs?: string[];
}

/** Starts `dist/relay/main.js` as its own process (the same program `npm start` runs). */
export async function startRelay(options: RelayStartOptions = {}): Promise<RelayProcess> {
  const dataDir = options.dataDir ?? (await tempDir('meshdrop-relay-'));
  const args = ['dist/relay/main.js', '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--data', dataDir];
  if (options.peers?.length) args.push('--peers', options.peers.join(','));
  args.push(...(options.extraArgs ?? []));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => (running.delete(child), ok())));
  const port = await new Promise<number>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`relay did not start:\n${out}`)), 15_000);
    const check = () => {
      const m = /MESHDROP_RELAY_READY port=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`relay exited with ${String(code)}:\n${out}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    gunUrl: `${url}/gun`,
    dataDir,
    pid: child.pid as number,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** An isolated profile (own IndexedDB, service workers, cache): one user. */
export async function newProfile(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  // tsx names functions with a `__name` helper that does not exist in the page; functions passed to
  // page.evaluate would throw without this no-op.
  await context.addInitScript('globalThis.__name = (f) => f');
  return context;
}

export async function openApp(context: BrowserContext, relay: RelayProcess, path = '/'): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  await page.goto(relay.url + path);
  return page;
}

/** Ends every relay process and removes every temp folder this test file started. */
export async function cleanup(): Promise<void> {
  for (const child of running) child.kill('SIGKILL');
  await Promise.all([...running].map((c) => new Promise((ok) => (c.exitCode !== null || c.signalCode !== null ? ok(null) : c.once('exit', ok)))));
  running.clear();
  await Promise.all([...tempDirs].map((d) => rm(d, { recursive: true, force: true })));
  tempDirs.clear();
}

/** Creates an identity through the onboarding screen and waits until the app shows it. */
export async function onboard(page: Page, name: string): Promise<void> {
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Create my identity' }).click();
  await page.getByTestId('signed-in-name').filter({ hasText: name }).waitFor();
}

/**
 * The id CDP gives the app's service worker registration in `page`'s profile (for
 * `ServiceWorker.deliverPushMessage`), read from `ServiceWorker.workerRegistrationUpdated`.
 */
export async function serviceWorkerRegistrationId(context: BrowserContext, page: Page, origin: string): Promise<string> {
  const cdp = await context.newCDPSession(page);
  return new Promise<string>((ok) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
      const reg = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
      if (reg) ok(reg.registrationId);
    });
    void cdp.send('ServiceWorker.enable');
  });
}

/** What a page downloaded from the relays, counted by `countDownloads`. */
export interface DownloadCount {
  /** Bytes of websocket frames received (GUN). */
  ws: number;
  /** Websocket frames received. */
  frames: number;
  /** Bytes of `GET /history` responses (the relays' HTTP history), headers included. */
  history: number;
  /** Stops counting. */
  detach(): Promise<void>;
}

/**
 * Counts what `page` receives from the relays from now on, over CDP (Network domain): GUN's websocket frames, each
 * also handed to `onFrame`, and the HTTP history reads. Shared by the start-up test and bench/startup.ts.
 */
export async function countDownloads(context: BrowserContext, page: Page, onFrame: (payload: string) => void = () => undefined): Promise<DownloadCount> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const historyRequests = new Set<string>();
  const count: DownloadCount = { ws: 0, frames: 0, history: 0, detach: () => cdp.detach() };
  cdp.on('Network.webSocketFrameReceived', (e: { response: { payloadData: string } }) => {
    count.ws += Buffer.byteLength(e.response.payloadData);
    count.frames += 1;
    onFrame(e.response.payloadData);
  });
  cdp.on('Network.requestWillBeSent', (e: { requestId: string; request: { url: string } }) => {
    if (new URL(e.request.url).pathname === '/history') historyRequests.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
    if (historyRequests.has(e.requestId)) count.history += e.encodedDataLength;
  });
  return count;
}
