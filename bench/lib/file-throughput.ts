// File drop throughput end to end (issue 5.3): profile A drops a file of random bytes into a 1:1 chat through
// the app controller, profile B (a separate isolated profile on the same relay) downloads, verifies and stores
// it. Timed from A's `sendFiles()` call to B's 'complete' progress event (B's SHA-256 check passed); the Blob B
// stored is hashed again and compared with what A sent. Clocks: both pages share one browser (epoch ms).
import type { Browser, Page } from 'playwright-core';
import type { RelayProcess } from '../../test/e2e/harness.js';
import { closeProfiles, connectedPair, type ControllerLike } from './app-session.js';
import { round } from './stats.js';

export interface FileThroughputRun {
  /** Nominal size (MiB) and exact bytes sent. */
  sizeMB: number;
  bytes: number;
  /** `sendFiles()` call → receiver's verified 'complete'. */
  ms: number;
  /** End to end, MiB per second. */
  MBps: number;
  /** How long `sendFiles()` took to resolve (hash pass over the file, original parked in IndexedDB, file message sent). */
  sendCallMs: number;
  /** `sendFiles()` call → sender's 'sent' (every chunk acknowledged by the relay). */
  sentMs: number;
  /** `sendFiles()` call → the receiver learned of the file (its first progress event). */
  announcedMs: number;
  /** `sendFiles()` call → the receiver stored its first verified chunk. */
  firstChunkMs: number;
  /** Receiver: first verified chunk → 'complete' (downloading every chunk from the relay's blob store). */
  downloadMs: number;
}

export interface FileThroughputResult {
  runs: FileThroughputRun[];
}

interface ProgressLike {
  fileId: string;
  status: string;
  doneBytes: number;
  size: number;
  error?: string;
}

/** What the measurement needs beyond ControllerLike. */
interface FileController extends ControllerLike {
  getFile(fileId: string): Promise<{ status: string; blob?: Blob } | undefined>;
}

interface Seen {
  first?: number;
  firstChunk?: number;
  sent?: number;
  complete?: number;
  failed?: string;
}

/** Records every file's progress milestones on the page in `window.benchFiles` (epoch ms). */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { benchFiles: Record<string, Seen> };
    w.benchFiles = {};
    const app = (document.querySelector('md-app') as unknown as { app: FileController }).app;
    app.addEventListener('file-progress', (e) => {
      const p = (e as CustomEvent<ProgressLike>).detail;
      const now = performance.timeOrigin + performance.now();
      const s = (w.benchFiles[p.fileId] ??= {});
      s.first ??= now;
      if (p.status === 'downloading' && p.doneBytes > 0) s.firstChunk ??= now;
      if (p.status === 'sent') s.sent ??= now;
      if (p.status === 'complete') s.complete ??= now;
      if (p.status === 'failed') s.failed = p.error || 'failed';
    });
  });
}

/** Per-size budget: generous, since before optimisation a 10 MiB file took up to 100 s here. */
const timeoutFor = (bytes: number) => 120_000 + (bytes / (1024 * 1024)) * 30_000;

async function dropOne(a: Page, b: Page, channelId: string, bytes: number): Promise<Omit<FileThroughputRun, 'sizeMB'>> {
  const sent = await a.evaluate(
    async ({ ch, n }) => {
      const app = (document.querySelector('md-app') as unknown as { app: FileController }).app;
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(n, i + 65536)));
      const hash = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', data)), (x) => x.toString(16).padStart(2, '0')).join('');
      const file = new File([data], `bench-${n}-${Date.now()}.bin`, { type: 'application/octet-stream' });
      const w = window as unknown as { benchFiles: Record<string, Seen> };
      const before = new Set(Object.keys(w.benchFiles));
      const t0 = performance.timeOrigin + performance.now();
      await app.sendFiles(ch, [file]);
      const called = performance.timeOrigin + performance.now();
      const fileId = Object.keys(w.benchFiles).find((id) => !before.has(id));
      return { t0, sendCallMs: called - t0, fileId, hash };
    },
    { ch: channelId, n: bytes },
  );
  if (!sent.fileId) throw new Error(`file throughput: sendFiles() for ${bytes} bytes emitted no progress event on the sender`);
  const fileId = sent.fileId;
  const timeout = timeoutFor(bytes);
  const settled = (page: Page, status: 'sent' | 'complete') =>
    page
      .waitForFunction(
        ({ id, st }) => {
          const s = (window as unknown as { benchFiles: Record<string, Seen> }).benchFiles[id];
          return Boolean(s?.failed || (st === 'sent' ? s?.sent : s?.complete));
        },
        { id: fileId, st: status },
        { timeout, polling: 50 },
      )
      .catch(() => {
        throw new Error(`file throughput: ${bytes} bytes not '${status}' on the ${status === 'sent' ? 'sender' : 'receiver'} within ${timeout / 1000} s`);
      });
  await Promise.all([settled(a, 'sent'), settled(b, 'complete')]);
  const seen = (page: Page) => page.evaluate((id) => (window as unknown as { benchFiles: Record<string, Seen> }).benchFiles[id] ?? {}, fileId);
  const [sa, sb] = await Promise.all([seen(a), seen(b)]);
  if (sa.failed) throw new Error(`file throughput: the sender's upload of ${bytes} bytes failed: ${sa.failed}`);
  if (sb.failed) throw new Error(`file throughput: the receiver's download of ${bytes} bytes failed: ${sb.failed}`);
  // 'complete' already means B's SHA-256 check passed; hash what B stored as well, so a wrong Blob cannot pass.
  const got = await b.evaluate(async (id) => {
    const app = (document.querySelector('md-app') as unknown as { app: FileController }).app;
    const rec = await app.getFile(id);
    if (!rec?.blob || rec.status !== 'complete') return `no verified file (${rec?.status ?? 'none'})`;
    const h = await crypto.subtle.digest('SHA-256', await rec.blob.arrayBuffer());
    return Array.from(new Uint8Array(h), (x) => x.toString(16).padStart(2, '0')).join('');
  }, fileId);
  if (got !== sent.hash) throw new Error(`file throughput: the receiver stored a different file for ${bytes} bytes (${got} ≠ ${sent.hash})`);
  const complete = sb.complete as number;
  const ms = complete - sent.t0;
  return {
    bytes,
    ms: round(ms),
    MBps: round(bytes / (1024 * 1024) / (ms / 1000), 2),
    sendCallMs: round(sent.sendCallMs),
    sentMs: round((sa.sent as number) - sent.t0),
    announcedMs: round((sb.first ?? complete) - sent.t0),
    firstChunkMs: round((sb.firstChunk ?? complete) - sent.t0),
    downloadMs: round(complete - (sb.firstChunk ?? complete)),
  };
}

export interface FileThroughputHooks {
  /** Runs just before each measured drop (e.g. to start a profiler on both pages). */
  beforeSend?(a: Page, b: Page, sizeMB: number): Promise<void>;
  /** Runs after each measured drop completed. */
  afterReceive?(a: Page, b: Page, sizeMB: number): Promise<void>;
}

/**
 * Drops one file of each size (MiB, one after the other) from A to B and measures each end to end.
 * A small warm-up file goes first so one-off costs (first subscriptions, key imports) are not counted.
 */
export async function appFileThroughput(browser: Browser, relay: RelayProcess, sizesMB: number[] = [1, 10], hooks: FileThroughputHooks = {}): Promise<FileThroughputResult> {
  const { alice, bob, channelId } = await connectedPair(browser, relay);
  try {
    const { page: a } = alice;
    const { page: b } = bob;
    await recordProgress(a);
    await recordProgress(b);
    await dropOne(a, b, channelId, 64 * 1024);
    const runs: FileThroughputRun[] = [];
    for (const sizeMB of sizesMB) {
      await hooks.beforeSend?.(a, b, sizeMB);
      runs.push({ sizeMB, ...(await dropOne(a, b, channelId, Math.round(sizeMB * 1024 * 1024))) });
      await hooks.afterReceive?.(a, b, sizeMB);
    }
    return { runs };
  } finally {
    await closeProfiles([alice, bob]);
  }
}
