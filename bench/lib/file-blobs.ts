// File drop through the relays' blob stores (issue 12): end to end MB/s for a file built in the sender's page,
// next to what the same machine does in the same run: WebCrypto AES-GCM and SHA-256 over 1 MiB chunks in a page,
// and the raw path (the same bytes PUT to the relay by one page and GET by another over plain HTTP: no crypto, no
// IndexedDB). The pages' JS heap is sampled through CDP (Performance.getMetrics) during each transfer.
import type { CDPSession, Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { newProfile, type RelayProcess } from '../../test/e2e/harness.js';
import { blankPage } from './browser.js';
import { closeProfiles, connectedPair, type ControllerLike } from './app-session.js';
import { round } from './stats.js';

const MiB = 1024 * 1024;

export interface BlobRun {
  sizeMB: number;
  /** Relays the sender uses (2: each chunk is stored on both, src/sync/blob-network.ts BLOB_COPIES); 1 when absent. */
  relays?: number;
  /** sendFiles() call → receiver's 'complete' (every part verified and stored). */
  ms: number;
  MBps: number;
  /** sendFiles() resolving: first pass (encrypt + hash every chunk), parking the original, sending the message. */
  sendCallMs: number;
  /** sendFiles() call → sender's 'sent' (every blob accepted by the relay). */
  sentMs: number;
  /** Raw path: upload then download of the same bytes, no crypto, no IndexedDB. */
  rawUploadMBps: number;
  rawDownloadMBps: number;
  /** Bytes over (upload time + download time) of the raw path: what the end-to-end figure is compared with. */
  rawMBps: number;
  /** End to end as a share of the raw path. */
  ofRaw: number;
  /** Peak JS heap (MB) of the sending and the receiving page during the transfer. */
  senderPeakHeapMB: number;
  receiverPeakHeapMB: number;
}

export interface CryptoBaseline {
  aesGcmEncryptMBps: number;
  aesGcmDecryptMBps: number;
  sha256MBps: number;
}

/** Samples a page's JS heap every 100 ms through CDP until stopped; returns the peak in MB. */
async function heapSampler(page: Page): Promise<() => Promise<number>> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      peak = Math.max(peak, used);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    running = false;
    await loop;
    await cdp.detach().catch(() => undefined);
    return round(peak / MiB);
  };
}

/** Builds `window.benchParts`: `mb` distinct random 1 MiB Blobs (the browser keeps Blob bytes outside the JS heap). */
async function makeParts(page: Page, mb: number, withHashes: boolean): Promise<void> {
  await page.evaluate(
    async ({ mb, withHashes, MiB }) => {
      const w = window as unknown as { benchParts: Blob[]; benchHashes: string[] };
      w.benchParts = [];
      w.benchHashes = [];
      for (let i = 0; i < mb; i++) {
        const bytes = new Uint8Array(MiB);
        for (let o = 0; o < MiB; o += 65536) crypto.getRandomValues(bytes.subarray(o, o + 65536));
        w.benchParts.push(new Blob([bytes]));
        if (withHashes) {
          const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
          w.benchHashes.push(Array.from(d, (x) => x.toString(16).padStart(2, '0')).join(''));
        }
      }
    },
    { mb, withHashes, MiB },
  );
}

/** WebCrypto AES-GCM-256 and SHA-256 over 1 MiB chunks (the blob chunk size) in a page. */
export async function cryptoBaseline(browser: Browser, origin: string, totalMB = 256): Promise<CryptoBaseline> {
  const ctx = await newProfile(browser);
  try {
    const page = await blankPage(ctx, origin);
    return await page.evaluate(async (mb) => {
      const chunk = 1024 * 1024;
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const data = new Uint8Array(chunk);
      for (let i = 0; i < chunk; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
      const iv = new Uint8Array(12);
      const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data);
      let t = performance.now();
      for (let i = 0; i < mb; i++) await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data);
      const enc = performance.now() - t;
      t = performance.now();
      for (let i = 0; i < mb; i++) await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, ct);
      const dec = performance.now() - t;
      t = performance.now();
      for (let i = 0; i < mb; i++) await crypto.subtle.digest('SHA-256', data);
      const sha = performance.now() - t;
      return { aesGcmEncryptMBps: mb / (enc / 1000), aesGcmDecryptMBps: mb / (dec / 1000), sha256MBps: mb / (sha / 1000) };
    }, totalMB);
  } finally {
    await ctx.close();
  }
}

/** Raw path for `mb` MiB: page A PUTs distinct 1 MiB blobs (6 at a time), then page B GETs them (8 at a time). */
async function rawPath(browser: Browser, relay: RelayProcess, mb: number): Promise<{ upMs: number; downMs: number }> {
  const ctxA = await newProfile(browser);
  const ctxB = await newProfile(browser);
  try {
    const a = await blankPage(ctxA, relay.url);
    const b = await blankPage(ctxB, relay.url);
    await makeParts(a, mb, true);
    const up = await a.evaluate(async () => {
      const w = window as unknown as { benchParts: Blob[]; benchHashes: string[] };
      let next = 0;
      const t = performance.now();
      const worker = async () => {
        for (let i = next++; i < w.benchParts.length; i = next++) {
          const res = await fetch(`/blob/${w.benchHashes[i]}`, { method: 'PUT', body: w.benchParts[i] });
          if (!res.ok) throw new Error(`raw PUT ${res.status}`);
        }
      };
      await Promise.all(Array.from({ length: 6 }, worker));
      return { ms: performance.now() - t, hashes: w.benchHashes };
    });
    const downMs = await b.evaluate(async (hashes) => {
      let next = 0;
      let bytes = 0;
      const t = performance.now();
      const worker = async () => {
        for (let i = next++; i < hashes.length; i = next++) {
          const n = (await (await fetch(`/blob/${hashes[i]}`)).arrayBuffer()).byteLength;
          bytes += n;
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      if (bytes !== hashes.length * 1024 * 1024) throw new Error(`raw GET got ${bytes} bytes`);
      return performance.now() - t;
    }, up.hashes);
    return { upMs: up.ms, downMs };
  } finally {
    await ctxA.close();
    await ctxB.close();
  }
}

interface Seen {
  sent?: number;
  complete?: number;
  failed?: string;
}

/** One file of `mb` MiB through the app, sender and receiver on the same relay, with heap sampling on both pages. */
async function endToEnd(browser: Browser, relay: RelayProcess, mb: number, second?: RelayProcess): Promise<Omit<BlobRun, 'rawUploadMBps' | 'rawDownloadMBps' | 'rawMBps' | 'ofRaw'>> {
  const { alice, bob, channelId } = await connectedPair(browser, relay);
  try {
    if (second) {
      // The sender also uses a second relay (not meshed with the first): every chunk is uploaded to both.
      await alice.page.evaluate(async (urls) => {
        await (document.querySelector('md-app') as unknown as { app: { setRelays(u: string[]): Promise<unknown> } }).app.setRelays(urls);
      }, [relay.gunUrl, second.gunUrl]);
      await alice.page.reload();
      await alice.page.getByText('Connected to 2 relays').waitFor({ timeout: 60_000 });
    }
    for (const p of [alice.page, bob.page]) {
      await p.evaluate(() => {
        const w = window as unknown as { benchFiles: Record<string, Seen> };
        w.benchFiles = {};
        const app = (document.querySelector('md-app') as unknown as { app: ControllerLike }).app;
        app.addEventListener('file-progress', (e) => {
          const d = (e as CustomEvent<{ fileId: string; status: string; error?: string }>).detail;
          const s = (w.benchFiles[d.fileId] ??= {});
          const now = performance.timeOrigin + performance.now();
          if (d.status === 'sent') s.sent ??= now;
          if (d.status === 'complete') s.complete ??= now;
          if (d.status === 'failed') s.failed = d.error || 'failed';
        });
      });
    }
    await makeParts(alice.page, mb, false);
    const stopA = await heapSampler(alice.page);
    const stopB = await heapSampler(bob.page);
    const started = await alice.page.evaluate(async (ch) => {
      const w = window as unknown as { benchParts: Blob[]; benchFiles: Record<string, Seen> };
      const file = new File(w.benchParts, `bench-blob-${w.benchParts.length}MB.bin`);
      w.benchParts = [];
      const app = (document.querySelector('md-app') as unknown as { app: ControllerLike & { sendFiles(c: string, f: File[]): Promise<void> } }).app;
      const t0 = performance.timeOrigin + performance.now();
      await app.sendFiles(ch, [file]);
      return { t0, sendCallMs: performance.timeOrigin + performance.now() - t0, fileId: Object.keys(w.benchFiles)[0] ?? '' };
    }, channelId);
    const timeout = 120_000 + mb * 2_000;
    const done = (page: Page, key: 'sent' | 'complete') =>
      page.waitForFunction(
        ({ id, key }) => {
          const s = (window as unknown as { benchFiles: Record<string, Seen> }).benchFiles[id];
          return Boolean(s?.failed || s?.[key]);
        },
        { id: started.fileId, key },
        { timeout, polling: 100 },
      );
    await Promise.all([done(alice.page, 'sent'), done(bob.page, 'complete')]);
    const [senderPeakHeapMB, receiverPeakHeapMB] = await Promise.all([stopA(), stopB()]);
    const seen = (page: Page) => page.evaluate((id) => (window as unknown as { benchFiles: Record<string, Seen> }).benchFiles[id] ?? {}, started.fileId);
    const [sa, sb] = await Promise.all([seen(alice.page), seen(bob.page)]);
    if (sa.failed || sb.failed) throw new Error(`blob file of ${mb} MiB failed: ${sa.failed ?? sb.failed}`);
    const ms = (sb.complete as number) - started.t0;
    return {
      sizeMB: mb,
      ...(second ? { relays: 2 } : {}),
      ms: Math.round(ms),
      MBps: round(mb / (ms / 1000)),
      sendCallMs: Math.round(started.sendCallMs),
      sentMs: Math.round((sa.sent as number) - started.t0),
      senderPeakHeapMB,
      receiverPeakHeapMB,
    };
  } finally {
    await closeProfiles([alice, bob]);
  }
}

/**
 * Runs the raw path and the app end to end for each size (MiB); with `second`, also end to end with the sender on
 * both relays, for sizes up to 100 MiB (compared with the same raw path).
 */
export async function fileBlobThroughput(browser: Browser, relay: RelayProcess, sizesMB: readonly number[], second?: RelayProcess): Promise<BlobRun[]> {
  const runs: BlobRun[] = [];
  for (const mb of sizesMB) {
    const raw = await rawPath(browser, relay, mb);
    const rawMBps = mb / ((raw.upMs + raw.downMs) / 1000);
    const variants = second && mb <= 100 ? [undefined, second] : [undefined];
    for (const extra of variants) {
      const e2e = await endToEnd(browser, relay, mb, extra);
      runs.push({
        ...e2e,
        rawUploadMBps: round(mb / (raw.upMs / 1000)),
        rawDownloadMBps: round(mb / (raw.downMs / 1000)),
        rawMBps: round(rawMBps),
        ofRaw: round(e2e.MBps / rawMBps, 2),
      });
      console.log(JSON.stringify(runs.at(-1)));
    }
  }
  return runs;
}

/** What `bench/file-blobs.ts --record` keeps in bench/file-blobs-record.json (and `npm run bench` reports). */
export interface FileBlobsRecord {
  at: string;
  command: string;
  loadAverage: number[];
  crypto: CryptoBaseline;
  runs: BlobRun[];
}

/** The RESULTS.md section for a recorded run. */
export function fileBlobsMarkdown(r: FileBlobsRecord | undefined): string[] {
  if (!r) return ['## File drop through the relays\' blob stores', '', 'Not recorded yet: run `npm run build && node --import tsx bench/file-blobs.ts --record`.', ''];
  const lines = [
    '## File drop through the relays\' blob stores',
    '',
    `Recorded ${r.at} with \`${r.command}\`; load average at the start ${r.loadAverage.map((x) => round(x, 2)).join(' ')} ` +
      '(2 shared cores: compare ratios within the run).',
    '',
    `In-page WebCrypto over 1 MiB chunks, same run: AES-GCM-256 encrypt ${round(r.crypto.aesGcmEncryptMBps)} MB/s, decrypt ${round(r.crypto.aesGcmDecryptMBps)} MB/s, SHA-256 ${round(r.crypto.sha256MBps)} MB/s.`,
    '',
    '| Size | End to end (send → receiver verified) | Raw path: up / down / both | E2E vs raw (goal ≥ 50 %) | `sendFiles()` resolves (hash pass) | sender done | peak JS heap sender / receiver (goal < 300 MB) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const x of r.runs) {
    // The goal compares the app with the raw path to one relay; a two-relay row uploads twice: it is compared with the
    // one-relay row of the same size instead.
    const single = r.runs.find((y) => y.sizeMB === x.sizeMB && (y.relays ?? 1) === 1);
    const versus =
      x.relays === 2 && single ? `${round(x.MBps / single.MBps, 2)}× the one-relay run` : `${Math.round(x.ofRaw * 100)} % ${x.ofRaw >= 0.5 ? 'met' : '**not met**'}`;
    lines.push(
      `| ${x.sizeMB >= 1024 ? `${x.sizeMB / 1024} GiB` : `${x.sizeMB} MiB`}${x.relays === 2 ? ', sender on 2 relays' : ''} | **${x.MBps} MB/s** (${(x.ms / 1000).toFixed(1)} s) | ${x.rawUploadMBps} / ${x.rawDownloadMBps} / ${x.rawMBps} MB/s | ${versus} | ${(x.sendCallMs / 1000).toFixed(1)} s | ${(x.sentMs / 1000).toFixed(1)} s | ${x.senderPeakHeapMB} / ${x.receiverPeakHeapMB} MB ${Math.max(x.senderPeakHeapMB, x.receiverPeakHeapMB) < 300 ? 'met' : '**not met**'} |`,
    );
  }
  lines.push(
    '',
    'End to end: the sender\'s `sendFiles()` (first pass listing the chunk hashes, the original parked in IndexedDB, the file ' +
      'message sent) → upload of every 4 MiB chunk (re-encrypted) → the receiver, which starts as soon as the message arrives, ' +
      'has every chunk verified (hash + AES-GCM) and stored as a Blob in IndexedDB. Raw path: the same amount of distinct ' +
      'random 1 MiB blobs PUT by one page then GET by another over plain HTTP to the same relay, no crypto, no IndexedDB; ' +
      '"both" = bytes ÷ (upload time + download time), the figure end to end is compared with. Heap: CDP `JSHeapUsedSize` ' +
      'sampled every 100 ms on both pages during the transfer (V8\'s heap; the ArrayBuffers of the chunks in flight, at most ' +
      '8 × 2 × 4 MiB per page, live outside it, and file bytes are Blobs held by the browser on disk, not by the page). ' +
      '"Sender on 2 relays": the sender also uses a second relay, not meshed with the first, so each chunk is uploaded to ' +
      'both (the receiver reads from the first); compare with the row above it, same size, same run.',
    '',
  );
  return lines;
}
