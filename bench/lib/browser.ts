// Browser-side baselines in headless Chromium: raw GUN page→page latency, WebCrypto AES-GCM and WebSocket bandwidth.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import WebSocket from 'ws';
import { summarize, type Summary } from './stats.js';

const require = createRequire(import.meta.url);
const GUN_JS = readFileSync(require.resolve('gun/gun.js'), 'utf8');

/**
 * A page on the relay's origin with raw GUN loaded. It must be a real loopback response: Chromium's Local Network
 * Access checks block websockets to 127.0.0.1 from a page Playwright fulfilled itself. /health carries no CSP.
 */
export async function gunPage(context: BrowserContext, origin: string): Promise<Page> {
  const page = await blankPage(context, origin);
  await page.addScriptTag({ content: GUN_JS });
  return page;
}

/** A secure-context (loopback) page without the app, for in-page measurements. */
export async function blankPage(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/health`);
  return page;
}

/**
 * Two isolated profiles with raw GUN connected to the relay: `b` records when each key of `soul` first arrives
 * (window.recv), and one warm-up value has made it across, so both are connected and subscribed.
 */
async function gunPair(browser: Browser, relayOrigin: string, label: string): Promise<{ a: Page; b: Page; soul: string; close(): Promise<void> }> {
  const ctxA = await browser.newContext();
  const ctxB = await browser.newContext();
  const close = async () => {
    await ctxA.close();
    await ctxB.close();
  };
  try {
    const a = await gunPage(ctxA, relayOrigin);
    const b = await gunPage(ctxB, relayOrigin);
    const soul = `${label}-${Date.now().toString(36)}`;
    const setup = `window.gun = Gun({ peers: [${JSON.stringify(`${relayOrigin}/gun`)}], localStorage: false, radisk: false, axe: false, multicast: false });`;
    await a.evaluate(setup);
    await b.evaluate(setup);
    await b.evaluate((s) => {
      const w = window as unknown as { gun: { get(k: string): { map(): { on(cb: (v: unknown, k: string) => void): void } } }; recv: Record<string, number> };
      w.recv = {};
      w.gun.get(s).map().on((_v, k) => {
        if (!(k in w.recv)) w.recv[k] = performance.timeOrigin + performance.now();
      });
    }, soul);
    await a.evaluate((s) => (window as unknown as { gun: { get(k: string): { get(k: string): { put(v: string): void } } } }).gun.get(s).get('warmup').put('w'), soul);
    await b.waitForFunction(() => 'warmup' in (window as unknown as { recv: Record<string, number> }).recv, undefined, { timeout: 15_000 });
    return { a, b, soul, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Raw GUN put→on latency between two isolated browser profiles through the relay (no encryption, no UI). */
export async function browserGunBaseline(browser: Browser, relayOrigin: string, count = 500, gapMs = 5): Promise<Summary & { lost: number }> {
  const { a, b, soul, close } = await gunPair(browser, relayOrigin, 'browser-baseline');
  try {
    const sent = await a.evaluate(
      async ({ s, n, gap }) => {
        const gun = (window as unknown as { gun: { get(k: string): { get(k: string): { put(v: string): void } } } }).gun;
        const at: Record<string, number> = {};
        for (let i = 0; i < n; i++) {
          const k = `m${String(i).padStart(4, '0')}`;
          at[k] = performance.timeOrigin + performance.now();
          gun.get(s).get(k).put(`v${i}`);
          await new Promise((r) => setTimeout(r, gap));
        }
        return at;
      },
      { s: soul, n: count, gap: gapMs },
    );
    await b
      .waitForFunction((n) => Object.keys((window as unknown as { recv: Record<string, number> }).recv).length >= n + 1, count, { timeout: 20_000 })
      .catch(() => undefined);
    const recv = await b.evaluate(() => (window as unknown as { recv: Record<string, number> }).recv);
    const latencies = Object.entries(sent).flatMap(([k, t]) => (recv[k] !== undefined ? [recv[k] - t] : []));
    return { ...summarize(latencies), lost: count - latencies.length };
  } finally {
    await close();
  }
}

/** Raw GUN messages/s between two browser profiles through the relay: puts back to back, rate at the receiver. */
export async function browserGunThroughput(browser: Browser, relayOrigin: string, count = 1000): Promise<{ sent: number; delivered: number; deliveredPerSecond: number }> {
  const { a, b, soul, close } = await gunPair(browser, relayOrigin, 'browser-throughput');
  try {
    const startedAt = await a.evaluate(
      async ({ s, n }) => {
        const gun = (window as unknown as { gun: { get(k: string): { get(k: string): { put(v: string): void } } } }).gun;
        const t = performance.timeOrigin + performance.now();
        for (let i = 0; i < n; i++) {
          gun.get(s).get(`t${i}`).put(`v${i}`);
          if (i % 50 === 49) await new Promise((r) => setTimeout(r, 0)); // let the socket drain
        }
        return t;
      },
      { s: soul, n: count },
    );
    await b
      .waitForFunction((n) => Object.keys((window as unknown as { recv: Record<string, number> }).recv).length >= n + 1, count, { timeout: 60_000, polling: 250 })
      .catch(() => undefined);
    const times = await b.evaluate(() => Object.entries((window as unknown as { recv: Record<string, number> }).recv).flatMap(([k, t]) => (k === 'warmup' ? [] : [t])));
    const last = Math.max(...times);
    return { sent: count, delivered: times.length, deliveredPerSecond: times.length / ((last - startedAt) / 1000) };
  } finally {
    await close();
  }
}

export interface CryptoResult {
  encryptMBps: number;
  decryptMBps: number;
  totalMB: number;
}

/** WebCrypto AES-GCM-256 over 256 KiB chunks (the file-drop chunk size), fresh IV each. */
export async function webCryptoThroughput(browser: Browser, origin: string, totalMB = 64): Promise<CryptoResult> {
  const ctx = await browser.newContext();
  try {
    const page = await blankPage(ctx, origin);
    return await page.evaluate(async (mb) => {
      const chunk = 256 * 1024;
      const n = (mb * 1024 * 1024) / chunk;
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const data = new Uint8Array(chunk);
      for (let i = 0; i < chunk; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
      const ivs: Uint8Array<ArrayBuffer>[] = [];
      const cts: ArrayBuffer[] = [];
      // Warm up.
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, data);
      let t = performance.now();
      for (let i = 0; i < n; i++) {
        const iv = crypto.getRandomValues(new Uint8Array(12));
        ivs.push(iv);
        cts.push(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data));
      }
      const enc = performance.now() - t;
      t = performance.now();
      for (let i = 0; i < n; i++) await crypto.subtle.decrypt({ name: 'AES-GCM', iv: ivs[i] as Uint8Array<ArrayBuffer> }, key, cts[i] as ArrayBuffer);
      const dec = performance.now() - t;
      return { encryptMBps: mb / (enc / 1000), decryptMBps: mb / (dec / 1000), totalMB: mb };
    }, totalMB);
  } finally {
    await ctx.close();
  }
}

export interface WebSocketResult {
  MBps: number;
  totalMB: number;
}

/** Raw WebSocket upload bandwidth from Chromium to a Node `ws` server on loopback (256 KiB binary frames). */
export async function webSocketBandwidth(browser: Browser, totalMB = 64): Promise<WebSocketResult> {
  const http = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>ws bench</title>'));
  const wss = new WebSocket.Server({ server: http, maxPayload: 8 * 1024 * 1024, perMessageDeflate: false });
  wss.on('connection', (socket: WebSocket) => {
    let bytes = 0;
    socket.on('message', (data: Buffer) => {
      bytes += data.length;
      if (bytes >= totalMB * 1024 * 1024) socket.send(String(bytes));
    });
  });
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', () => ok()));
  const port = (http.address() as AddressInfo).port;
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    return await page.evaluate(
      async ({ url, mb }) => {
        const ws = new WebSocket(url);
        ws.binaryType = 'arraybuffer';
        await new Promise((ok, fail) => ((ws.onopen = ok), (ws.onerror = fail)));
        const chunk = new Uint8Array(256 * 1024);
        for (let i = 0; i < chunk.length; i += 65536) crypto.getRandomValues(chunk.subarray(i, i + 65536)); // like ciphertext
        const n = (mb * 1024 * 1024) / chunk.length;
        const done = new Promise((ok) => (ws.onmessage = ok));
        const t = performance.now();
        for (let i = 0; i < n; i++) {
          // Keep the send buffer bounded so we measure the wire, not memory.
          while (ws.bufferedAmount > 8 * 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
          ws.send(chunk);
        }
        await done;
        const ms = performance.now() - t;
        ws.close();
        return { MBps: mb / (ms / 1000), totalMB: mb };
      },
      { url: `ws://127.0.0.1:${port}/`, mb: totalMB },
    );
  } finally {
    await ctx.close();
    for (const c of wss.clients) c.terminate();
    wss.close();
    http.close();
  }
}
