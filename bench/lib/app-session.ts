// Signed-in app profiles for benchmarks: real pages of the built app on a loopback relay, driven through the
// controller (`md-app`.app), which is what the UI itself calls. Contacts are made with real invite links.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newProfile, openApp, type RelayProcess } from '../../test/e2e/harness.js';

/** The part of the controller (src/core/api.ts) the benchmarks call from inside the page. */
export interface ControllerLike extends EventTarget {
  identity?: { pair: { pub: string } };
  createIdentity(name: string): Promise<unknown>;
  createInviteLink(): Promise<string>;
  acceptInviteLink(link: string): Promise<{ channelId: string; pub: string }>;
  listChannels(): Promise<{ id: string; kind: string; members: { pub: string }[] }[]>;
  listContacts(): Promise<{ pub: string; channelId: string }[]>;
  sendText(channelId: string, text: string): Promise<unknown>;
  createGroup(title: string, memberPubs: string[]): Promise<{ id: string }>;
  sendFiles(channelId: string, files: File[]): Promise<void>;
  loadMessages(channelId: string, options: { limit: number }): Promise<{ messages: unknown[]; hasMore: boolean }>;
}

/**
 * Polls an async in-page condition until it returns true. (Playwright's `waitForFunction` does not await a
 * predicate's promise: an async predicate is "truthy" at once.)
 */
export async function waitForApp(page: Page, condition: (arg: string) => Promise<boolean>, arg: string, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(condition, arg))) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface AppProfile {
  context: BrowserContext;
  page: Page;
  pub: string;
}

/** Opens the app in a fresh isolated profile and creates an identity through the controller. */
export async function signedInProfile(browser: Browser, relay: RelayProcess, name: string): Promise<AppProfile> {
  const context = await newProfile(browser);
  const page = await openApp(context, relay);
  await page.waitForFunction(() => !!(document.querySelector('md-app') as unknown as { app?: unknown } | null)?.app, undefined, { timeout: 30_000 });
  const pub = await page.evaluate(async (n) => {
    const app = (document.querySelector('md-app') as unknown as { app: ControllerLike }).app;
    if (!app.identity) await app.createIdentity(n);
    return app.identity?.pair.pub ?? '';
  }, name);
  await page.getByTestId('signed-in-name').or(page.getByRole('button', { name: 'Contacts', exact: true })).first().waitFor({ timeout: 30_000 });
  return { context, page, pub };
}

/**
 * Makes `inviter` and `invitee` contacts with a real invite link and waits until both have the 1:1 chat.
 * Returns the chat's channel id.
 */
export async function connect(inviter: AppProfile, invitee: AppProfile): Promise<string> {
  const link = await inviter.page.evaluate(() => (document.querySelector('md-app') as unknown as { app: ControllerLike }).app.createInviteLink());
  const channelId = await invitee.page.evaluate(
    async (l) => (await (document.querySelector('md-app') as unknown as { app: ControllerLike }).app.acceptInviteLink(l)).channelId,
    link,
  );
  // The inviter learns about the invitee through the contact request.
  await waitForApp(
    inviter.page,
    async (ch) => (await (document.querySelector('md-app') as unknown as { app: ControllerLike }).app.listContacts()).some((c) => c.channelId === ch),
    channelId,
    'the contact request to reach the inviter',
  );
  return channelId;
}

/** Two fresh profiles, "Bench Alice" and "Bench Bob", made contacts; close them with `closeProfiles`. */
export async function connectedPair(browser: Browser, relay: RelayProcess): Promise<{ alice: AppProfile; bob: AppProfile; channelId: string }> {
  const alice = await signedInProfile(browser, relay, 'Bench Alice');
  try {
    const bob = await signedInProfile(browser, relay, 'Bench Bob');
    try {
      return { alice, bob, channelId: await connect(alice, bob) };
    } catch (err) {
      await closeProfiles([bob]);
      throw err;
    }
  } catch (err) {
    await closeProfiles([alice]);
    throw err;
  }
}

export async function closeProfiles(profiles: readonly AppProfile[]): Promise<void> {
  await Promise.all(profiles.map((p) => p.context.close().catch(() => undefined)));
}
