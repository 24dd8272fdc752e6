// Conversation features through the UI of three isolated profiles and a real relay: reply, reactions, edit,
// delete (for everyone / for me), seen receipts, search and links; then a raw GUN client holding a member's keys
// replays and forges actions, and a removed member's reaction after removal is dropped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import { WAIT, acceptInvite, bubble, createInvite, openChat, send, waitForMessage } from './chat-helpers.js';
import { closeAllGuns, nodeGun, putAcked, SEA, type NodeGun } from './gun-node.js';
import type { SeaPair } from '../../src/types/gun.js';

let relay: RelayProcess;
let browser: Browser;
let a: Page;
let b: Page;
let c: Page;
const GROUP = 'Planning';

before(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
  [a, b, c] = await Promise.all([0, 1, 2].map(async () => openApp(await newProfile(browser), relay)));
  await Promise.all([onboard(a, 'Ana'), onboard(b, 'Ben'), onboard(c, 'Cy')]);
  const link = await createInvite(a);
  await Promise.all([acceptInvite(b, link), acceptInvite(c, link)]);
  await a.getByTestId('contact-name').filter({ hasText: 'Ben' }).waitFor(WAIT);
  await a.getByTestId('contact-name').filter({ hasText: 'Cy' }).waitFor(WAIT);
});

after(async () => {
  closeAllGuns();
  await browser?.close();
  await cleanup();
});

/** Opens a message's action menu from the keyboard and picks an item by its accessible name. */
async function act(page: Page, text: string, item: string): Promise<void> {
  const toggle = bubble(page, text).getByTestId('message-actions');
  await toggle.focus();
  await toggle.press('ArrowDown');
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

/** Reads one record (or all of a store) from a profile's IndexedDB. */
function idb<T>(page: Page, store: string, key?: string): Promise<T> {
  return page.evaluate(
    async ({ store, key }) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const req = indexedDB.open('meshdrop');
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
      });
      const os = db.transaction(store).objectStore(store);
      const req = key === undefined ? os.getAll() : os.get(key);
      const out = await new Promise((ok) => (req.onsuccess = () => ok(req.result)));
      db.close();
      return out as never;
    },
    { store, key },
  );
}

const messageIdOf = async (page: Page, text: string): Promise<string> => (await bubble(page, text).getAttribute('data-id')) ?? '';
const newId = (): string => Date.now().toString(36).padStart(9, '0') + randomBytes(6).toString('hex');

/** A raw GUN client signed in with a member's keys (taken from its profile: a member turned attacker). */
async function rawMember(page: Page): Promise<{ gun: NodeGun; pair: SeaPair }> {
  const identity = await idb<{ pair: SeaPair }>(page, 'identity', 'self');
  const gun = nodeGun([relay.gunUrl]);
  await new Promise<void>((ok, fail) => gun.gun.user().auth(identity.pair, (ack) => (ack.err ? fail(new Error(ack.err)) : ok())));
  return { gun, pair: identity.pair };
}

/** Seals an inner message exactly as the app does (encrypt with the channel key, sign with the author). */
async function seal(pair: SeaPair, key: string, inner: Record<string, unknown>): Promise<string> {
  const ct = await SEA.encrypt(inner, key);
  return (await SEA.sign({ v: 1, e: inner.epoch, ct }, pair)) as string;
}

async function channelOf(page: Page, title: string): Promise<{ id: string; key: string; epoch: number }> {
  const all = await idb<{ id: string; title: string; kind: string; members: string[]; keys: { epoch: number; key: string }[]; currentEpoch: number }[]>(page, 'channels');
  const contacts = await idb<{ name: string; channelId: string }[]>(page, 'contacts');
  const direct = contacts.find((x) => x.name === title)?.channelId;
  const ch = all.find((x) => x.id === direct || (x.kind === 'group' && x.title === title));
  if (!ch) throw new Error(`no channel ${title}`);
  return { id: ch.id, key: ch.keys.find((k) => k.epoch === ch.currentEpoch)!.key, epoch: ch.currentEpoch };
}

test('reply, reaction, edit, delete and seen reach the other side; links are safe; search opens the message', async () => {
  await openChat(a, 'Ben');
  await openChat(b, 'Ana');
  await send(a, 'lunch at noon? see https://example.org/menu');
  await send(a, 'oops, wrong chat');
  await waitForMessage(b, 'oops, wrong chat');
  const link = bubble(b, 'lunch at noon? see https://example.org/menu').getByRole('link');
  assert.equal(await link.getAttribute('href'), 'https://example.org/menu');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');

  // Seen: Ben has the chat open, so Ana's messages turn "seen".
  await bubble(a, 'oops, wrong chat').locator('[data-status="seen"]').waitFor(WAIT);

  // Reply through the keyboard-opened menu.
  await act(b, 'lunch at noon? see https://example.org/menu', 'Reply');
  await send(b, 'yes, noon works');
  await waitForMessage(a, 'yes, noon works');
  assert.match((await bubble(a, 'yes, noon works').getByTestId('quote').textContent()) ?? '', /lunch at noon/);

  // Reaction, then changed: one per person, the latest wins.
  await act(b, 'lunch at noon? see https://example.org/menu', 'React with 👍');
  await a.getByRole('button', { name: /^👍 1 reaction: Ben/ }).waitFor(WAIT);
  await act(b, 'lunch at noon? see https://example.org/menu', 'React with ❤️');
  await a.getByRole('button', { name: /^❤️ 1 reaction: Ben/ }).waitFor(WAIT);
  assert.equal(await bubble(a, 'lunch at noon? see https://example.org/menu').getByTestId('reaction').count(), 1);

  // Edit: in place, labelled, on both sides.
  await act(a, 'lunch at noon? see https://example.org/menu', 'Edit');
  const box = a.getByRole('textbox', { name: 'Message' });
  await box.fill('lunch at 12:30? see https://example.org/menu');
  await box.press('Enter');
  await waitForMessage(b, 'lunch at 12:30? see https://example.org/menu');
  await bubble(b, 'lunch at 12:30? see https://example.org/menu').getByTestId('edited').waitFor(WAIT);
  assert.equal(await bubble(b, 'lunch at noon? see https://example.org/menu').count(), 0);

  // Delete for everyone, and delete for me.
  await act(a, 'oops, wrong chat', 'Delete for everyone');
  await b.getByTestId('message-text').filter({ hasText: 'Message deleted' }).waitFor(WAIT);
  assert.equal(await bubble(b, 'oops, wrong chat').count(), 0);
  await act(b, 'yes, noon works', 'Delete for me');
  await bubble(b, 'yes, noon works').waitFor({ state: 'detached', ...WAIT });
  assert.equal(await bubble(a, 'yes, noon works').count(), 1, 'delete for me stays local');

  // Search from the chat list: Ben finds the edited text and opens it in context.
  await b.getByTestId('search-input').fill('12:30');
  const result = b.getByTestId('search-result');
  await result.first().waitFor(WAIT);
  assert.equal(await result.locator('mark').first().textContent(), '12:30');
  await result.first().click();
  await bubble(b, 'lunch at 12:30? see https://example.org/menu').waitFor(WAIT);
  await b.getByTestId('search-input').fill('');
});

test('a raw GUN client with a member’s keys: replayed and forged edits, deletions and reactions change nothing', async () => {
  const target = 'lunch at 12:30? see https://example.org/menu';
  const targetId = await messageIdOf(a, target);
  const chan = await channelOf(b, 'Ana');
  const ben = await rawMember(b);
  const space = (ch: string) => ben.gun.gun.get(`~${ben.pair.pub}/md1/c/${ch}`);
  const base = (id: string) => ({ id, channel: chan.id, author: ben.pair.pub, sentAt: Date.now(), epoch: chan.epoch });

  // Forged by the member: an edit and a deletion of Ana's message (only its author may do either).
  const forgedEdit = newId();
  await putAcked(space(chan.id).get(forgedEdit), await seal(ben.pair, chan.key, { ...base(forgedEdit), kind: 'action', body: { type: 'edit', target: targetId, text: 'HACKED' } }));
  const forgedDelete = newId();
  await putAcked(space(chan.id).get(forgedDelete), await seal(ben.pair, chan.key, { ...base(forgedDelete), kind: 'action', body: { type: 'delete', target: targetId } }));
  // Replays: Ben's earlier 👍 reaction (superseded by ❤️) put again under a new key; Ana's own edit copied into Ben's space.
  const actions = await idb<{ id: string; author: string; type: string; value: string }[]>(b, 'actions');
  const oldThumb = actions.find((x) => x.author === ben.pair.pub && x.value === '👍')!;
  const thumbEnvelope = await new Promise<unknown>((ok) => ben.gun.gun.get(`~${ben.pair.pub}/md1/c/${chan.id}`).get(oldThumb.id).once((v: unknown) => ok(v), { wait: 3000 }));
  assert.equal(typeof thumbEnvelope, 'string');
  await putAcked(space(chan.id).get(newId()), thumbEnvelope as string);
  const anaPub = (await idb<{ pair: SeaPair }>(a, 'identity', 'self')).pair.pub;
  const anaEdit = actions.find((x) => x.author === anaPub && x.type === 'edit')!;
  const anaEditEnvelope = await new Promise<unknown>((ok) => ben.gun.gun.get(`~${anaPub}/md1/c/${chan.id}`).get(anaEdit.id).once((v: unknown) => ok(v), { wait: 3000 }));
  await putAcked(space(chan.id).get(anaEdit.id), anaEditEnvelope as string);
  // A reaction whose envelope is real but whose target is a message of another chat (Ana–Cy).
  await openChat(a, 'Cy');
  await send(a, 'only for Cy');
  const otherId = await messageIdOf(a, 'only for Cy');
  const crossChat = newId();
  await putAcked(space(chan.id).get(crossChat), await seal(ben.pair, chan.key, { ...base(crossChat), kind: 'action', body: { type: 'react', target: otherId, emoji: '😈' } }));
  // Last, a valid marker message: once Ana shows it, everything written before it was processed.
  const marker = newId();
  await putAcked(space(chan.id).get(marker), await seal(ben.pair, chan.key, { ...base(marker), kind: 'text', body: 'marker after the attack' }));

  await openChat(a, 'Ben');
  await waitForMessage(a, 'marker after the attack');
  await waitForMessage(a, target);
  assert.equal(await bubble(a, target).getByTestId('reaction').count(), 1);
  await a.getByRole('button', { name: /^❤️ 1 reaction: Ben/ }).waitFor(WAIT);
  assert.equal(await a.getByText('HACKED').count(), 0);
  assert.equal(await a.getByTestId('message-text').filter({ hasText: 'Message deleted' }).count(), 1, 'only the one Ana deleted');
  await openChat(a, 'Cy');
  await waitForMessage(a, 'only for Cy');
  assert.equal(await bubble(a, 'only for Cy').getByTestId('reaction').count(), 0);
  ben.gun.close();
});

test('group: seen by lists members, the admin deletes for everyone, a removed member’s reaction is dropped', async () => {
  await a.getByRole('button', { name: 'New group' }).click();
  await a.getByLabel('Group name').fill(GROUP);
  await a.getByRole('checkbox', { name: 'Ben' }).check();
  await a.getByRole('checkbox', { name: 'Cy' }).check();
  await a.getByRole('button', { name: 'Create group' }).click();
  await a.getByTestId('chat-title').filter({ hasText: GROUP }).waitFor(WAIT);
  await send(a, 'group hello');
  await openChat(b, GROUP);
  await openChat(c, GROUP);
  await waitForMessage(b, 'group hello');
  await waitForMessage(c, 'group hello');
  await bubble(a, 'group hello').getByTestId('seen-by').filter({ hasText: /Seen by (Ben and Cy|Cy and Ben)/ }).waitFor(WAIT);

  await send(b, 'ben posts something rude');
  await waitForMessage(c, 'ben posts something rude');
  await act(a, 'ben posts something rude', 'Delete for everyone');
  for (const p of [b, c]) await p.getByTestId('message-text').filter({ hasText: 'Message deleted' }).waitFor(WAIT);

  // Cy's keys and the group key before the removal.
  const helloId = await messageIdOf(c, 'group hello');
  const oldGroup = await channelOf(c, GROUP);
  const cy = await rawMember(c);
  await a.getByRole('button', { name: 'Group info' }).click();
  await a.getByRole('button', { name: 'Remove Cy' }).click();
  await a.getByRole('alertdialog').getByRole('button', { name: 'Yes, remove' }).click();
  await c.getByTestId('composer-closed').waitFor(WAIT);
  await a.getByRole('button', { name: '← Back to chat' }).click();

  const late = newId();
  const inner = { id: late, channel: oldGroup.id, author: cy.pair.pub, sentAt: Date.now(), epoch: oldGroup.epoch, kind: 'action', body: { type: 'react', target: helloId, emoji: '😮' } };
  await putAcked(cy.gun.gun.get(`~${cy.pair.pub}/md1/c/${oldGroup.id}`).get(late), await seal(cy.pair, oldGroup.key, inner));
  // Ben reacts afterwards: once Ana and Ben show his reaction, Cy's earlier write had its chance.
  await act(b, 'group hello', 'React with 👍');
  for (const p of [a, b]) await p.getByRole('button', { name: /^👍 1 reaction: (Ben|You)/ }).waitFor(WAIT);
  for (const p of [a, b]) assert.equal(await bubble(p, 'group hello').getByTestId('reaction').count(), 1, 'no reaction from the removed member');
  cy.gun.close();
});
