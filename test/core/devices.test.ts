import { expect } from '@esm-bundle/chai';
import { closeAll, newUser, openController, texts, waitFor } from '../helpers/controllers.js';
import type { Meshdrop } from '../../src/core/meshdrop.js';
import type { DeviceLinkRequestView } from '../../src/core/devices-api.js';
import { LinkError } from '../../src/core/device-link.js';
import { randomId, sha256Base64 } from '../../src/core/crypto.js';
import { INBOX_SOUL_PREFIX } from '../../src/sync/user-space.js';
import { closeRawGun, rawGun } from '../helpers/raw-gun.js';
import { rejection } from '../helpers/rejection.js';

/** Makes `b` a contact of `a` (both sides) through an invite link; returns a's view of b's pub. */
async function connect(a: Meshdrop, b: Meshdrop): Promise<string> {
  const c = await b.acceptInviteLink(await a.createInviteLink());
  await waitFor('contact on inviter side', async () => (await a.listContacts()).some((x) => x.channelId === c.channelId));
  return (await a.listContacts()).find((x) => x.channelId === c.channelId)!.pub;
}

/** Links a fresh controller to `first`'s account, confirming on `first` when the codes match. */
async function link(first: Meshdrop, deviceName = 'Laptop'): Promise<Meshdrop> {
  const second = await openController(`md-test-dev2-${randomId(6)}`);
  const { link: url } = await first.createDeviceLink();
  let shown = '';
  first.addEventListener(
    'device-link-request',
    (e) => {
      const req = (e as CustomEvent<DeviceLinkRequestView>).detail;
      expect(req.name).to.equal(deviceName);
      void waitFor('code on the new device', () => shown).then(() => {
        expect(req.code).to.equal(shown);
        return first.confirmDeviceLink(req.id);
      });
    },
    { once: true },
  );
  await second.linkToAccount(url, deviceName, (code) => (shown = code));
  return second;
}

describe('linked devices through a real relay', function () {
  this.timeout(150000);
  afterEach(closeAll);

  it('a linked device gets the identity and the account, and both stay in sync through the self-channel', async () => {
    const ann = await newUser('Ann');
    const ben = await newUser('Ben');
    const cat = await newUser('Cat');
    const benPub = await connect(ann.md, ben.md);
    await ann.md.setContactVerified(benPub, true);
    const group = await ann.md.createGroup('Before', [benPub]);

    const ann2 = await link(ann.md);
    expect(ann2.identity?.pair.pub).to.equal(ann.md.identity?.pair.pub);
    const contacts = await ann2.listContacts();
    expect(contacts.map((c) => [c.name, c.verified])).to.deep.equal([['Ben', true]]);
    expect((await ann2.getChannel(group.id))?.members.map((m) => m.name)).to.deep.equal(['Ben']);
    const names = async (md: Meshdrop) => (await md.listDevices()).map((d) => d.name).sort();
    await waitFor('both devices listed on both', async () => (await names(ann.md)).length === 2 && (await names(ann2)).length === 2);

    // A contact added on device 2 shows on device 1; a group made on device 1 with her shows on device 2.
    const catPub = await connect(ann2, cat.md);
    await waitFor('contact reaches device 1', async () => (await ann.md.listContacts()).some((c) => c.pub === catPub));
    const trip = await ann.md.createGroup('Trip', [benPub, catPub]);
    await waitFor('group reaches device 2', async () => (await ann2.getChannel(trip.id))?.members.length === 2);

    // A member removed on device 1: device 2 follows the new epoch and member list.
    await ann.md.removeGroupMember(trip.id, catPub);
    await waitFor('removal reaches device 2', async () => (await ann2.getChannel(trip.id))?.members.map((m) => m.pub).join() === benPub);

    // A message sent on device 2 shows on device 1 as mine; Ben's reply is unread on both until read on one.
    await ann2.sendText(trip.id, 'from my laptop');
    await waitFor('my message on device 1', async () => (await ann.md.loadMessages(trip.id, { limit: 50 })).messages.some((m) => m.text === 'from my laptop' && m.mine));
    await waitFor('ben gets it', async () => (await texts(ben.md, trip.id)).includes('from my laptop'));
    await ben.md.sendText(trip.id, 'reply');
    for (const md of [ann.md, ann2]) await waitFor('unread on both', async () => (await md.getChannel(trip.id))?.unread === 1);
    await ann2.markRead(trip.id);
    await waitFor('read on device 1 too', async () => (await ann.md.getChannel(trip.id))?.unread === 0);
    // A mute on one device is followed on the other.
    await ann.md.setChannelMuted(trip.id, true);
    await waitFor('muted on device 2', async () => (await ann2.getChannel(trip.id))?.muted === true);
    await ann2.setChannelMuted(trip.id, false);
    await waitFor('unmuted on device 1', async () => (await ann.md.getChannel(trip.id))?.muted === false);

    // Verified flag changed on device 2 is followed on device 1, and a restart (GUN replays every self-channel
    // entry, older ones included) changes nothing.
    await ann2.setContactVerified(benPub, false);
    await waitFor('unverified on device 1', async () => (await ann.md.listContacts()).find((c) => c.pub === benPub)?.verified === false);
    const db2 = (ann2 as unknown as { db: { name: string } }).db.name;
    ann2.close();
    const again = await openController(db2);
    // Device 1 renames itself after the restart: once that newest entry is here, the older ones of the same
    // node (which said "verified", "Cat in Trip", "unread") have been replayed too.
    await ann.md.renameDevice('Desk');
    await waitFor('replay done', async () => (await again.listDevices()).some((d) => d.name === 'Desk'));
    expect((await again.listContacts()).find((c) => c.pub === benPub)?.verified).to.equal(false);
    expect((await again.getChannel(trip.id))?.members.map((m) => m.pub)).to.deep.equal([benPub]);
    expect((await again.getChannel(trip.id))?.unread).to.equal(0);
    expect((await again.getChannel(trip.id))?.muted).to.equal(false);
  });

  it('rename and unlink: the list follows on every device, and the unlinked device removes the account', async () => {
    const ann = await newUser('Ann');
    const ann2 = await link(ann.md, 'Phone');
    await ann2.renameDevice('Work phone');
    await waitFor('rename reaches device 1', async () => (await ann.md.listDevices()).some((d) => d.name === 'Work phone'));
    const phone = (await ann.md.listDevices()).find((d) => !d.current)!;
    await ann.md.unlinkDevice(phone.id);
    expect((await ann.md.listDevices()).map((d) => d.current)).to.deep.equal([true]);
    await waitFor('device 2 leaves the account', () => ann2.identity === undefined);
  });

  it('bad, expired and unanswered links fail with clear errors; junk in the link inbox changes nothing', async () => {
    const ann = await newUser('Ann');
    const fresh = await openController(`md-test-fresh-${randomId(6)}`);
    const err1 = await rejection(fresh.linkToAccount('http://x/#invite=abc', 'Phone', () => undefined));
    expect(err1).to.be.instanceOf(LinkError);
    expect(err1.message).to.match(/not a Meshdrop device link/);
    const err2 = await rejection(fresh.linkToAccount('http://x/#link=%%%', 'Phone', () => undefined));
    expect(err2.message).to.match(/damaged/);
    const { link: url } = await ann.md.createDeviceLink();
    const payload = JSON.parse(atob(url.split('#link=')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { inbox: string; x: number };
    const expired = url.split('#link=')[0] + '#link=' + btoa(JSON.stringify({ ...payload, v: 1, e: 'x'.repeat(40), x: Date.now() - 1 })).replace(/=+$/, '');
    expect((await rejection(fresh.linkToAccount(expired, 'Phone', () => undefined))).message).to.match(/expired/);

    // An attacker who only sees the inbox id (a relay does) writes junk and requests sealed to another key.
    let requests = 0;
    ann.md.addEventListener('device-link-request', () => requests++);
    const gun = rawGun();
    try {
      for (const junk of ['hello', JSON.stringify({ e: 'y'.repeat(60), ct: 'SEA{}' }), JSON.stringify({ e: 'z', ct: 1 })]) {
        const key = await sha256Base64(junk);
        await new Promise<void>((ok) => gun.get(INBOX_SOUL_PREFIX + payload.inbox).get(key).put(junk, () => ok()));
      }
      // A well-formed request sealed to another link's key must not surface either.
      const other = await (await newUser('Eve')).md.createDeviceLink();
      const otherPayload = JSON.parse(atob(other.link.split('#link=')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { e: string };
      const { sealLinkRequest } = await import('../../src/core/device-link.js');
      const forged = await sealLinkRequest({ v: 1, e: otherPayload.e, inbox: payload.inbox, x: payload.x }, { deviceId: randomId(16), name: 'Evil' });
      await new Promise<void>((ok) => gun.get(INBOX_SOUL_PREFIX + payload.inbox).get(forged.key).put(forged.value, () => ok()));
      // A real request after the junk is still seen: the junk was read and dropped, not queued ahead of it.
      const ann2 = await link(ann.md, 'Tablet');
      expect(ann2.identity?.pair.pub).to.equal(ann.md.identity?.pair.pub);
      expect(requests).to.equal(1);
    } finally {
      closeRawGun(gun);
    }
  });

  it('a refused request tells the new device', async () => {
    const ann = await newUser('Ann');
    const fresh = await openController(`md-test-fresh-${randomId(6)}`);
    const { link: url } = await ann.md.createDeviceLink();
    ann.md.addEventListener('device-link-request', (e) => void ann.md.rejectDeviceLink((e as CustomEvent<DeviceLinkRequestView>).detail.id), { once: true });
    const err = await rejection(fresh.linkToAccount(url, 'Phone', () => undefined));
    expect((err as LinkError).code).to.equal('rejected');
    expect(fresh.identity).to.equal(undefined);
  });

  it('a backup carries the account: restored in a fresh profile it brings back contacts, groups and history', async () => {
    const ann = await newUser('Ann');
    const ben = await newUser('Ben');
    const benPub = await connect(ann.md, ben.md);
    const group = await ann.md.createGroup('Club', [benPub]);
    await waitFor('ben has the group', async () => !!(await ben.md.getChannel(group.id)));
    await ben.md.sendText(group.id, 'old news');
    await waitFor('ann has it', async () => (await texts(ann.md, group.id)).includes('old news'));
    await ann.md.markRead(group.id);
    const backup = await ann.md.exportBackup('correct horse battery');
    const fresh = await openController(`md-test-restore-${randomId(6)}`);
    await fresh.importBackup(backup, 'correct horse battery', { replace: false });
    expect((await fresh.listContacts()).map((c) => c.name)).to.deep.equal(['Ben']);
    expect((await fresh.getChannel(group.id))?.title).to.equal('Club');
    await waitFor('history replays from the relay', async () => (await texts(fresh, group.id)).includes('old news'));
    expect((await fresh.getChannel(group.id))?.unread).to.equal(0); // read before the backup: still read
  });

  it('a restored device pages a long chat in newest first, and older pages as the user scrolls back', async () => {
    const ann = await newUser('Ann');
    const ben = await newUser('Ben');
    await connect(ann.md, ben.md);
    const chan = (await ann.md.listContacts())[0]!.channelId;
    const N = 250;
    await Promise.all(Array.from({ length: N }, (_, i) => ben.md.sendText(chan, `m${i}`)));
    await waitFor('the relay acked Ben\'s writes', async () => (await (await ben.md.session()).outbox.pendingCount()) === 0, 60_000);
    const backup = await ann.md.exportBackup('correct horse battery');
    const fresh = await openController(`md-test-pages-${randomId(6)}`);
    await fresh.importBackup(backup, 'correct horse battery', { replace: false });
    const want = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m${from + i}`);
    const textsOf = (p: { messages: { kind: string; text: string }[] }) => p.messages.filter((m) => m.kind === 'text').map((m) => m.text);
    // The newest page only (older-history.ts FIRST_PAGE), not the whole chat.
    await waitFor('the newest page arrived', async () => textsOf(await fresh.loadMessages(chan, { limit: 500 })).length >= 100, 60_000);
    const newest = await fresh.loadMessages(chan, { limit: 500 });
    expect(textsOf(newest)).to.deep.equal(want(150, N));
    expect(newest.hasMore).to.equal(true);
    // Scrolling back reads older pages from the relays, in order, until there are none.
    const older = await fresh.loadMessages(chan, { before: newest.messages[0], limit: 100 });
    expect(textsOf(older)).to.deep.equal(want(50, 150));
    expect(older.hasMore).to.equal(true);
    const oldest = await fresh.loadMessages(chan, { before: older.messages[0], limit: 100 });
    expect(textsOf(oldest)).to.deep.equal(want(0, 50));
    expect(oldest.hasMore).to.equal(false);
    expect(textsOf(await fresh.loadMessages(chan, { limit: 500 }))).to.deep.equal(want(0, N));
  });
});
