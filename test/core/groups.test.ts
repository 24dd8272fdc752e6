import { expect } from '@esm-bundle/chai';
import { closeAll, newUser, texts, waitFor } from '../helpers/controllers.js';
import type { Meshdrop } from '../../src/core/meshdrop.js';
import { openEnvelope } from '../../src/core/envelope.js';
import { getChannel } from '../../src/store/channels-store.js';
import { randomId } from '../../src/core/crypto.js';
import { soulOf } from '../../src/sync/user-space.js';
import { closeRawGun, rawGun } from '../helpers/raw-gun.js';

/** What a fresh GUN client reads at `~pub/keys...` through the relay (undefined if nothing is there). */
async function readRaw(pub: string, keys: string[]): Promise<unknown> {
  const gun = rawGun();
  try {
    const node = gun.get(soulOf(pub, keys.slice(0, -1))).get(keys[keys.length - 1] ?? '');
    return await new Promise((resolve) => node.once((v) => resolve(v), { wait: 1500 }));
  } finally {
    closeRawGun(gun);
  }
}

/** Makes `b` a contact of `a` (both sides) through an invite link. */
async function connect(a: Meshdrop, b: Meshdrop): Promise<string> {
  const c = await b.acceptInviteLink(await a.createInviteLink());
  await waitFor('contact on inviter side', async () => (await a.listContacts()).some((x) => x.channelId === c.channelId));
  return c.pub;
}

describe('groups through a real relay', function () {
  this.timeout(150000);
  afterEach(closeAll);

  it('group of three: everyone reads everyone; a removed member cannot read later messages; members can leave', async () => {
    const ann = await newUser('Ann');
    const ben = await newUser('Ben');
    const cat = await newUser('Cat');
    const annPub = await connect(ben.md, ann.md); // ann accepts ben's invite → returns ben's pub
    const benPub = annPub;
    const catPub = await connect(cat.md, ann.md);

    const group = await ann.md.createGroup('  Trip   planning ', [benPub, catPub]);
    expect(group.title).to.equal('Trip planning');
    expect(group.isAdmin).to.equal(true);
    expect(group.members.map((m) => m.name).sort()).to.deep.equal(['Ben', 'Cat']);

    for (const u of [ben, cat]) {
      await waitFor('group arrives', async () => (await u.md.getChannel(group.id))?.kind === 'group');
    }
    const benView = await ben.md.getChannel(group.id);
    expect(benView?.members.map((m) => m.name).sort()).to.deep.equal(['Ann', 'Cat']); // Cat is not Ben's contact
    expect(benView?.isAdmin).to.equal(false);

    const fromAnn = await ann.md.sendText(group.id, 'from Ann');
    await ben.md.sendText(group.id, 'from Ben');
    await cat.md.sendText(group.id, 'from Cat');
    for (const u of [ann, ben, cat]) {
      await waitFor('all three messages', async () => (await texts(u.md, group.id)).length === 3);
    }
    await waitFor('delivered in the group', async () => (await ann.md.loadMessages(group.id, { limit: 20 })).messages.find((m) => m.id === fromAnn.id)?.status === 'delivered');
    // Receipts are filed under the author they acknowledge, so only Ann is subscribed to receipts for her
    // message (members would otherwise receive every member's receipt for every message: n² per message).
    const annMe = ann.md.identity?.pair.pub ?? '';
    await waitFor('Ben receipted under Ann', async () => (await readRaw(benPub, ['md1', 'r', group.id, annMe, fromAnn.id])) === 1);
    expect(await readRaw(benPub, ['md1', 'r', group.id, fromAnn.id])).to.equal(undefined);
    const authors = (await cat.md.loadMessages(group.id, { limit: 20 })).messages.filter((m) => m.kind === 'text').map((m) => m.authorName);
    expect(authors.sort()).to.deep.equal(['Ann', 'Ben', 'Cat']);

    // Non-admins cannot remove.
    let err: Error | undefined;
    try {
      await ben.md.removeGroupMember(group.id, catPub);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/Only the group admin/);

    // Ann removes Cat: key rotates to epoch 1 for Ben only.
    await ann.md.removeGroupMember(group.id, catPub);
    await waitFor('Cat sees the chat closed', async () => (await cat.md.getChannel(group.id))?.closed === true);
    await waitFor('Ben gets the new epoch', async () => {
      const s = await ben.md.session();
      return (await getChannel(s.db, group.id))?.currentEpoch === 1;
    });
    const catSession = await cat.md.session();
    const catRecord = await getChannel(catSession.db, group.id);
    expect(catRecord?.keys.map((k) => k.epoch)).to.deep.equal([0]);

    const secret = await ann.md.sendText(group.id, 'after removal');
    await waitFor('Ben reads it', async () => (await texts(ben.md, group.id)).includes('after removal'));
    // Cat, even reading the raw envelope from Ann's space, has no key for epoch 1.
    const raw = await new Promise<unknown>((resolve) =>
      catSession.space.gun.get(soulOf(ann.md.identity?.pair.pub ?? '', ['md1', 'c', group.id])).get(secret.id).once((v) => resolve(v)),
    );
    expect(raw).to.be.a('string');
    const res = await openEnvelope(raw, {
      signer: ann.md.identity?.pair.pub ?? '',
      channel: group.id,
      id: secret.id,
      keyFor: (e) => catRecord?.keys.find((k) => k.epoch === e)?.key,
    });
    expect(res).to.deep.equal({ ok: false, reason: 'no-key', epoch: 1 });
    expect(await texts(cat.md, group.id)).not.to.include('after removal');
    let catErr: Error | undefined;
    try {
      await cat.md.sendText(group.id, 'still here?');
    } catch (e) {
      catErr = e as Error;
    }
    expect(catErr?.message).to.match(/closed/);

    // Ben leaves: the group closes for him, Ann rotates again.
    await ben.md.leaveGroup(group.id);
    expect((await ben.md.getChannel(group.id))?.closed).to.equal(true);
    await waitFor('Ann drops Ben', async () => (await ann.md.getChannel(group.id))?.members.length === 0);

    // Dropping their group subscriptions leaves the 1:1 chats with Ann working.
    const annBen = (await ben.md.listContacts())[0]?.channelId ?? '';
    const annCat = (await cat.md.listContacts())[0]?.channelId ?? '';
    await ben.md.sendText(annBen, 'ben 1:1 after leaving');
    await cat.md.sendText(annCat, 'cat 1:1 after removal');
    await waitFor('Ann reads Ben 1:1', async () => (await texts(ann.md, annBen)).includes('ben 1:1 after leaving'));
    await waitFor('Ann reads Cat 1:1', async () => (await texts(ann.md, annCat)).includes('cat 1:1 after removal'));

    // Re-adding Cat: new epoch, the chat reopens for her, and both directions work again.
    await ann.md.addGroupMembers(group.id, [catPub]);
    await waitFor('Cat reopened', async () => (await cat.md.getChannel(group.id))?.closed === false);
    await cat.md.sendText(group.id, 'cat is back');
    await ann.md.sendText(group.id, 'welcome back');
    await waitFor('Ann reads Cat again', async () => (await texts(ann.md, group.id)).includes('cat is back'));
    await waitFor('Cat reads Ann again', async () => (await texts(cat.md, group.id)).includes('welcome back'));
    expect(await texts(cat.md, group.id)).not.to.include('after removal');
  });

  it('admin adds a member later; the newcomer reads new messages', async () => {
    const dan = await newUser('Dan');
    const eve = await newUser('Eve');
    const fay = await newUser('Fay');
    const evePub = await connect(eve.md, dan.md);
    const fayPub = await connect(fay.md, dan.md);
    const group = await dan.md.createGroup('Book club', [evePub]);
    await waitFor('Eve has the group', async () => !!(await eve.md.getChannel(group.id)));

    // Eve (a member, and Fay's contact) tries to claim the group id before Fay is added.
    const fayOfEve = await connect(fay.md, eve.md);
    const eveSession = await eve.md.session();
    const eveFay = await getChannel(eveSession.db, (await eve.md.listContacts()).find((c) => c.pub === fayOfEve)?.channelId ?? '');
    const eveId = eve.md.identity?.pair;
    const fayId = fay.md.identity?.pair;
    if (!eveFay || !eveId || !fayId) throw new Error('setup');
    const members = [{ pub: eveId.pub, epub: eveId.epub, name: 'Eve' }, { pub: fayId.pub, epub: fayId.epub, name: 'Fay' }];
    await eveSession.chat.sendSystem(eveFay, { type: 'group-key', group: group.id, nonce: randomId(16), title: 'Fake club', epoch: 0, key: randomId(32), members, admin: eveId.pub });
    // Control: a group Eve really owns does arrive, so the forged one was not merely slow.
    const own = await eve.md.createGroup('Eve club', [fayOfEve]);
    await waitFor('Fay has Eve club', async () => !!(await fay.md.getChannel(own.id)));
    expect(await fay.md.getChannel(group.id)).to.equal(undefined);

    await dan.md.addGroupMembers(group.id, [fayPub]);
    await waitFor('Fay has the group', async () => !!(await fay.md.getChannel(group.id)));
    expect((await fay.md.getChannel(group.id))?.title).to.equal('Book club');
    expect((await fay.md.getChannel(group.id))?.admin).to.equal(dan.md.identity?.pair.pub);
    await waitFor('Eve sees Fay', async () => (await eve.md.getChannel(group.id))?.members.some((m) => m.name === 'Fay'));
    await fay.md.sendText(group.id, 'hi from Fay');
    await waitFor('Eve reads Fay', async () => (await texts(eve.md, group.id)).includes('hi from Fay'));
    await eve.md.sendText(group.id, 'welcome Fay');
    await waitFor('Fay reads Eve', async () => (await texts(fay.md, group.id)).includes('welcome Fay'));
  });
});
