// Page-level steps shared by the chat e2e tests (all through the UI, as a user would do them).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { RelayProcess } from './harness.js';

export const WAIT = { timeout: 45_000 };

/** Opens Contacts, creates an invite link and returns it. */
export async function createInvite(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Contacts', exact: true }).click();
  await page.getByRole('button', { name: 'Create invite link' }).click();
  const input = page.getByTestId('invite-link');
  await input.waitFor(WAIT);
  const link = await input.inputValue();
  if (!link.includes('#invite=')) throw new Error(`unexpected invite link ${link}`);
  return link;
}

/** Pastes an invite link into "Add contact" and waits for the confirmation. */
export async function acceptInvite(page: Page, link: string): Promise<void> {
  await page.getByRole('button', { name: 'Contacts', exact: true }).click();
  await page.getByLabel('Invite link to accept').fill(link);
  await page.getByRole('button', { name: 'Add contact' }).click();
  await page.getByTestId('add-notice').filter({ hasText: 'was added' }).waitFor(WAIT);
}

export function chatItem(page: Page, title: string | RegExp): Locator {
  // By the title only: a preview ("Alice: group is up") names people too, and the list is sorted by activity, so
  // `hasText` on the whole item sometimes matched a group before the chat with that person.
  return page.getByTestId('chat-item').filter({ has: page.locator('.title', { hasText: title }) });
}

export async function openChat(page: Page, title: string | RegExp): Promise<void> {
  await chatItem(page, title).first().click(WAIT);
  await page.getByTestId('chat-title').filter({ hasText: title }).waitFor(WAIT);
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** The bubble holding exactly this text. */
export function bubble(page: Page, text: string): Locator {
  return page.getByTestId('message').filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });
}

export async function waitForMessage(page: Page, text: string): Promise<void> {
  await bubble(page, text).waitFor(WAIT);
}

export async function statusOf(page: Page, text: string): Promise<string | null> {
  return bubble(page, text).getByTestId('message-status').getAttribute('data-status');
}

/**
 * Waits until my message shows the given delivery state; 'delivered' also accepts 'seen', the state after it (a
 * recipient with the chat open sees a message as soon as it is delivered).
 */
export async function waitForStatus(page: Page, text: string, status: string): Promise<void> {
  const states = status === 'delivered' ? ['delivered', 'seen'] : [status];
  const selector = states.map((s) => `[data-testid="message-status"][data-status="${s}"]`).join(', ');
  await bubble(page, text).locator(selector).first().waitFor(WAIT);
}

/** Every file below `dir` with its text, for scanning what a relay stored on disk. */
export async function readAllFiles(dir: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await readAllFiles(p)));
    else out.push({ path: p, text: await readFile(p, 'utf8') });
  }
  return out;
}

/** Asserts that none of `needles` occurs in any file below `dir`; returns the number of bytes scanned. */
export async function assertNotStored(dir: string, needles: string[]): Promise<number> {
  let bytes = 0;
  for (const f of await readAllFiles(dir)) {
    bytes += f.text.length;
    for (const n of needles) if (f.text.includes(n)) throw new Error(`${f.path} contains "${n}"`);
  }
  return bytes;
}

/**
 * Writes `count` old text messages of a chat straight into the page's IndexedDB (the app's own store), as if
 * they had been received over months: `bulk message 0` … `bulk message <count-1>`, one minute apart, ending
 * `endsAt`. With `otherPub`, every second message is from that contact; otherwise all are mine.
 */
export async function seedHistory(page: Page, channelId: string, count: number, options: { otherPub?: string; endsAt?: number } = {}): Promise<void> {
  await page.evaluate(
    async ({ channel, other, n, end }) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open('meshdrop');
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      const me = await new Promise<{ pair: { pub: string } }>((ok) => {
        const req = db.transaction('identity').objectStore('identity').get('self');
        req.onsuccess = () => ok(req.result as { pair: { pub: string } });
      });
      const tx = db.transaction('messages', 'readwrite');
      const t0 = end - n * 60_000;
      for (let i = 0; i < n; i++) {
        const sentAt = t0 + i * 60_000;
        const id = sentAt.toString(36).padStart(9, '0') + i.toString(16).padStart(12, '0');
        const mine = !other || i % 2 === 0;
        tx.objectStore('messages').put({
          id,
          channelId: channel,
          author: mine ? me.pair.pub : other,
          sentAt,
          kind: 'text',
          text: `bulk message ${i}`,
          status: mine ? 'sent' : 'received',
          receivedAt: sentAt,
          // The order key of a message without a Lamport clock (src/core/order.ts orderKey): history from before
          // the clock existed, ordered by send time.
          order: `${'0'.repeat(11)}~${sentAt.toString(36).padStart(11, '0')}~${id}`,
        });
      }
      await new Promise<void>((ok, fail) => {
        tx.oncomplete = () => ok();
        tx.onerror = () => fail(tx.error);
      });
      db.close();
    },
    { channel: channelId, other: options.otherPub ?? '', n: count, end: options.endsAt ?? Date.now() },
  );
}

/** Opens the app for `ctx` with its clock moved by `skewMs` (Date and everything built on it, GUN included). */
export async function openSkewed(ctx: BrowserContext, relay: RelayProcess, skewMs: number, name: string): Promise<Page> {
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  await page.addInitScript((skew) => {
    const RealDate = Date;
    const now = () => RealDate.now() + skew;
    class SkewedDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(now());
        else super(...(args as [number]));
      }
      static override now(): number {
        return now();
      }
    }
    (globalThis as unknown as { Date: DateConstructor }).Date = SkewedDate as unknown as DateConstructor;
  }, skewMs);
  await page.goto(relay.url + '/');
  await page.getByTestId('signed-in-name').filter({ hasText: name }).waitFor(WAIT);
  return page;
}

/** Polls an async `check` every 250 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
