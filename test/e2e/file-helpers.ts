// Shared e2e steps for file drop: attaching files, finding their bubbles, and hashing what the app stores.
import { createHash } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';

export const sha = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');

export function fileBubble(page: Page, name: string): Locator {
  return page.getByTestId('file-message').filter({ has: page.getByTestId('file-name').getByText(name, { exact: true }) });
}

export async function waitForFileStatus(page: Page, name: string, status: string, wait: { timeout: number }): Promise<void> {
  await page.locator(`[data-testid="file-message"][data-status="${status}"]`).filter({ has: page.getByText(name, { exact: true }) }).waitFor(wait);
}

export async function attach(page: Page, files: { name: string; buffer: Buffer; mimeType?: string }[]): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(files.map((f) => ({ name: f.name, mimeType: f.mimeType ?? 'application/octet-stream', buffer: f.buffer })));
}

/**
 * SHA-256 (hex) of the verified file the app stores for this bubble, read through the page's controller
 * (the page's CSP does not let scripts fetch blob: URLs).
 */
export async function storedHash(page: Page, name: string): Promise<string> {
  const fileId = await fileBubble(page, name).getAttribute('data-file-id');
  return page.evaluate(async (id) => {
    const app = (document.querySelector('md-app') as unknown as { app: { getFile(id: string): Promise<{ status: string; blob?: Blob } | undefined> } }).app;
    const rec = await app.getFile(id);
    if (!rec?.blob || (rec.status !== 'complete' && rec.status !== 'sent')) return `no verified file (${rec?.status ?? 'none'})`;
    const h = await crypto.subtle.digest('SHA-256', await rec.blob.arrayBuffer());
    return Array.from(new Uint8Array(h), (x) => x.toString(16).padStart(2, '0')).join('');
  }, fileId ?? '');
}

/**
 * Limits a page's network throughput (CDP network emulation; 0 lifts the limit), so that a transfer that takes a
 * fraction of a second on loopback lasts long enough to see its progress.
 */
export async function throttle(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const rate = bytesPerSecond > 0 ? bytesPerSecond : -1;
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: rate, uploadThroughput: rate });
}

/**
 * Resolves with the aria-valuetext of the first progress bar of the given maximum whose text matches (searched through
 * shadow roots on every animation frame, so a bar that is visible only briefly is still seen). Start it before the
 * transfer begins.
 */
export async function firstProgress(page: Page, max: number, text: RegExp, wait: { timeout: number }): Promise<string> {
  const handle = await page.waitForFunction(
    ({ size, pattern }) => {
      const walk = (root: Document | ShadowRoot): string | undefined => {
        for (const el of Array.from(root.querySelectorAll('*'))) {
          const label = el.getAttribute('aria-valuetext') ?? '';
          if (el.getAttribute('role') === 'progressbar' && el.getAttribute('aria-valuemax') === String(size) && new RegExp(pattern).test(label)) return label;
          if (el.shadowRoot) {
            const found = walk(el.shadowRoot);
            if (found !== undefined) return found;
          }
        }
        return undefined;
      };
      return walk(document);
    },
    { size: max, pattern: text.source },
    { polling: 'raf', timeout: wait.timeout },
  );
  return (await handle.jsonValue()) as string;
}
