import { Meshdrop } from '../../src/core/meshdrop.js';
import { randomId } from '../../src/core/crypto.js';

/** URL of the real relay started by web-test-runner.config.mjs. */
export function relayUrl(): string {
  const url = (globalThis as unknown as { __MESHDROP_RELAY__?: string }).__MESHDROP_RELAY__;
  if (!url) throw new Error('No test relay: run through web-test-runner.config.mjs');
  return url;
}

export const relayGun = (): string => `${relayUrl()}/gun`;
/** Nothing listens on port 9 (discard) on loopback: a relay that is never reachable. */
export const DEAD_RELAY = 'http://127.0.0.1:9/gun';

const opened: Meshdrop[] = [];

export async function openController(dbName: string, relays = [relayGun()]): Promise<Meshdrop> {
  const md = await Meshdrop.open({ defaultRelays: relays, dbName });
  opened.push(md);
  return md;
}

/** A fresh user with its own database, signed in and connected to the test relay. */
export async function newUser(name: string, relays?: string[]): Promise<{ md: Meshdrop; dbName: string }> {
  const dbName = `md-test-${name}-${randomId(6)}`;
  const md = await openController(dbName, relays);
  await md.createIdentity(name);
  return { md, dbName };
}

export function closeAll(): void {
  for (const md of opened.splice(0)) {
    try {
      md.close();
    } catch {
      /* already closed */
    }
  }
}

/** Polls until `check` returns a truthy value (no fixed sleeps: the machine may be slow). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function texts(md: Meshdrop, channelId: string): Promise<string[]> {
  const page = await md.loadMessages(channelId, { limit: 200 });
  return page.messages.filter((m) => m.kind === 'text').map((m) => m.text);
}
