import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { closeAll, newUser, waitFor } from '../helpers/controllers.js';
import { closeRawGun, rawGun } from '../helpers/raw-gun.js';
import { soulOf } from '../../src/sync/user-space.js';
import { encryptWith, sha256Base64, signWith } from '../../src/core/crypto.js';
import { newMessageId } from '../../src/core/ids.js';
import { sealContactRequest } from '../../src/core/invite.js';
import type { Meshdrop } from '../../src/core/meshdrop.js';
import type { GunAck, GunChain, GunInstance, GunPutValue, SeaPair } from '../../src/types/gun.js';


function path(root: GunChain, keys: string[]): GunChain {
  return keys.reduce((node, k) => node.get(k), root);
}

/** Puts and resolves with the first ack, or 'no-ack' after a while (a dropped socket never acks). */
function put(node: GunChain, value: GunPutValue, waitMs = 4000): Promise<string> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('no-ack'), waitMs);
    node.put(value, (ack: GunAck) => {
      clearTimeout(t);
      resolve(ack.err ? `err: ${ack.err}` : 'ok');
    });
  });
}

async function snapshot(md: Meshdrop, channelId: string): Promise<string[]> {
  return (await md.loadMessages(channelId, { limit: 500 })).messages.map((m) => `${m.authorName}|${m.kind}|${m.text}|${m.status === 'received' ? '' : 'mine'}`);
}

describe('attackers writing into the paths the app uses', function () {
  this.timeout(120000);
  const errors: string[] = [];
  const onError = (e: ErrorEvent) => errors.push(String(e.message));
  const onRejection = (e: PromiseRejectionEvent) => errors.push(String(e.reason));
  const raws: GunInstance[] = [];

  before(() => {
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
  });
  after(() => {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
    for (const g of raws) closeRawGun(g);
    closeAll();
  });

  it('forged, tampered, replayed, malformed and 5 MB values change nothing honest users see', async () => {
    const alice = await newUser('Zeldarina');
    const bob = await newUser('Quorbeth');
    const mallory = await newUser('Mallory');
    const aliceLink = await alice.md.createInviteLink();
    const ab = await bob.md.acceptInviteLink(aliceLink);
    const bm = await mallory.md.acceptInviteLink(await bob.md.createInviteLink());
    await waitFor('contacts ready', async () => (await alice.md.listContacts()).length === 1 && (await bob.md.listContacts()).length === 2);
    await bob.md.acceptInviteLink(await mallory.md.createInviteLink()).catch(() => undefined); // already a contact: no-op
    const group = await bob.md.createGroup('Secret plans', [ab.pub, mallory.md.identity?.pair.pub ?? '']);
    await waitFor('group at Alice', async () => !!(await alice.md.getChannel(group.id)));
    await waitFor('group at Mallory', async () => !!(await mallory.md.getChannel(group.id)));

    const plain = 'the-eagle-lands-at-midnight';
    const a1 = await alice.md.sendText(ab.channelId, plain);
    const g1 = await alice.md.sendText(group.id, `${plain} (group)`);
    const m1 = await mallory.md.sendText(bm.channelId, 'mallory to bob, honest');
    await waitFor('bob has the honest messages', async () => {
      const all = [...(await snapshot(bob.md, ab.channelId)), ...(await snapshot(bob.md, group.id)), ...(await snapshot(bob.md, bm.channelId))];
      return all.some((s) => s.includes(plain)) && all.some((s) => s.includes('(group)')) && all.some((s) => s.includes('honest'));
    });
    const before = {
      ab: await snapshot(bob.md, ab.channelId),
      group: await snapshot(bob.md, group.id),
      bm: await snapshot(bob.md, bm.channelId),
      aliceContacts: (await alice.md.listContacts()).map((c) => c.pub),
      bobContacts: (await bob.md.listContacts()).map((c) => c.pub),
    };

    const alicePub = alice.md.identity?.pair.pub ?? '';
    const malloryPair = mallory.md.identity?.pair as SeaPair;
    const groupKey = (await (await mallory.md.session()).db.get('channels', group.id))?.keys[0]?.key ?? '';
    expect(groupKey).to.have.length.greaterThan(10);

    // 1. An outsider writes unsigned data into Alice's space.
    const outsider = rawGun();
    raws.push(outsider);
    const forgedId = newMessageId();
    const forgedEnv = await signWith({ v: 1, e: 0, ct: await encryptWith({ id: forgedId, channel: ab.channelId, author: alicePub, sentAt: Date.now(), epoch: 0, kind: 'text', body: 'FORGED' }, 'wrong') }, malloryPair);
    const r1 = await put(path(outsider.get(`~${alicePub}`), ['md1', 'c', ab.channelId, forgedId]), forgedEnv);
    const r1b = await put(outsider.get(`~${alicePub}`).get('md1'), { c: 'overwritten' });
    // Straight at the node the app reads (the app writes and subscribes to `~pub/md1/c/<channel>` directly).
    const r1c = await put(outsider.get(soulOf(alicePub, ['md1', 'c', ab.channelId])).get(newMessageId()), forgedEnv);
    expect(r1).not.to.equal('ok');
    expect(r1b).not.to.equal('ok');
    expect(r1c).not.to.equal('ok');

    // 2. Mallory, signed in with her own key, writes into Alice's space.
    const mal = rawGun();
    raws.push(mal);
    const malUser = mal.user();
    await new Promise<void>((resolve) => malUser.auth(malloryPair, () => resolve()));
    const r2 = await put(path(mal.get(`~${alicePub}`), ['md1', 'c', group.id, newMessageId()]), forgedEnv);
    const r2b = await put(mal.get(soulOf(alicePub, ['md1', 'c', group.id])).get(newMessageId()), forgedEnv);
    expect(r2).not.to.equal('ok');
    expect(r2b).not.to.equal('ok');

    // 3. Mallory writes hostile envelopes into her own space, in the group Bob reads.
    const own = (id: string) => path(malUser, ['md1', 'c', group.id, id]);
    const inner = (id: string, over: Record<string, unknown> = {}) => ({ id, channel: group.id, author: malloryPair.pub, sentAt: Date.now(), epoch: 0, kind: 'text', body: 'HOSTILE', ...over });
    const impersonate = newMessageId();
    await put(own(impersonate), await signWith({ v: 1, e: 0, ct: await encryptWith(inner(impersonate, { author: alicePub }), groupKey) }, malloryPair));
    const tampered = newMessageId();
    const goodCt = await encryptWith(inner(tampered), groupKey);
    await put(own(tampered), await signWith({ v: 1, e: 0, ct: goodCt.replace(/"ct":"(.)/, (_s, c: string) => `"ct":"${c === 'A' ? 'B' : 'A'}`) }, malloryPair));
    // Replay of Alice's real group envelope into Mallory's space (same id): signed by Alice, read from Mallory.
    const aliceEnv = await new Promise<unknown>((resolve) => mal.get(soulOf(alicePub, ['md1', 'c', group.id])).get(g1.id).once((v) => resolve(v)));
    expect(aliceEnv).to.be.a('string');
    await put(own(g1.id), aliceEnv as string);
    // Cross-channel replay: Mallory's own valid 1:1 envelope copied into the group.
    const mEnv = await new Promise<unknown>((resolve) => mal.get(soulOf(malloryPair.pub, ['md1', 'c', bm.channelId])).get(m1.id).once((v) => resolve(v)));
    expect(mEnv).to.be.a('string');
    await put(own(m1.id), mEnv as string);
    // Same ciphertext re-labelled under another id in the 1:1 channel.
    const relabel = newMessageId();
    await put(path(malUser, ['md1', 'c', bm.channelId, relabel]), mEnv as string);
    // Malformed values and a future epoch.
    await put(own(newMessageId()), 'not an envelope');
    await put(own('not-an-id'), await signWith({ v: 1, e: 0, ct: await encryptWith(inner('x'), groupKey) }, malloryPair));
    await put(own(newMessageId()), { evil: 'object' });
    await put(own(newMessageId()), await signWith({ v: 1, e: 99, ct: 'x' }, malloryPair));
    // Oversized: 5 MB (over the relay's websocket limit) into her message path and into Alice's inbox (under its real hash).
    const junk = 'J'.repeat(5 * 1024 * 1024);
    // 3 MB stays under the relay's websocket limit, so it really reaches the honest clients.
    const junk3 = 'K'.repeat(3 * 1024 * 1024);
    const inbox = new URL(aliceLink).hash.slice('#invite='.length);
    const inboxId = (JSON.parse(atob(inbox.replace(/-/g, '+').replace(/_/g, '/'))) as { inbox: string }).inbox;
    const outsider2 = rawGun();
    raws.push(outsider2);
    const inboxNode = outsider2.get(`#md1inbox${inboxId}`);
    const [bigMsg, bigInbox] = await Promise.all([
      put(own(newMessageId()), junk, 6000),
      put(inboxNode.get(await sha256Base64(junk)), junk, 6000),
      put(own(newMessageId()), junk3, 8000),
      put(inboxNode.get(await sha256Base64(junk3)), junk3, 8000),
    ]);
    // Small junk and a request sealed for another inbox, under valid content addresses.
    const smallJunk = '{"e":"x","ct":"y"}';
    await put(outsider2.get(`#md1inbox${inboxId}`).get(await sha256Base64(smallJunk)), smallJunk);
    const otherInbox = await sealContactRequest(
      { v: 1, pub: alicePub, epub: alice.md.identity?.pair.epub ?? '', name: 'x', inbox: '0'.repeat(32) },
      { pair: malloryPair, name: 'Mallory', createdAt: 0 },
    );
    await put(outsider2.get(`#md1inbox${inboxId}`).get(otherInbox.key), otherInbox.value);
    const wrongHash = await put(outsider2.get(`#md1inbox${inboxId}`).get('not-the-hash'), smallJunk);
    expect(wrongHash).to.match(/^err|no-ack/);
    console.info('5 MB puts:', bigMsg, bigInbox); // the relay drops the socket: no ack

    // Honest traffic after the attacks: once it has arrived, the attacks have had their chance too.
    await alice.md.sendText(ab.channelId, 'sentinel 1:1');
    await alice.md.sendText(group.id, 'sentinel group');
    await mallory.md.sendText(group.id, 'mallory honest in group');
    await waitFor('sentinels', async () => {
      const g = await snapshot(bob.md, group.id);
      return (await snapshot(bob.md, ab.channelId)).some((s) => s.includes('sentinel 1:1')) && g.some((s) => s.includes('sentinel group')) && g.some((s) => s.includes('mallory honest'));
    }, 30000);

    const after = {
      ab: (await snapshot(bob.md, ab.channelId)).filter((s) => !s.includes('sentinel')),
      group: (await snapshot(bob.md, group.id)).filter((s) => !s.includes('sentinel') && !s.includes('mallory honest')),
      bm: await snapshot(bob.md, bm.channelId),
      aliceContacts: (await alice.md.listContacts()).map((c) => c.pub),
      bobContacts: (await bob.md.listContacts()).map((c) => c.pub),
    };
    expect(after).to.deep.equal(before);
    const everything = [...(await snapshot(bob.md, ab.channelId)), ...(await snapshot(bob.md, group.id)), ...(await snapshot(bob.md, bm.channelId))].join('\n');
    expect(everything).not.to.match(/FORGED|HOSTILE|JJJJ|KKKK/);
    expect(errors).to.deep.equal([]);
    void a1;

    // The relay's data folder holds no plaintext and no display names.
    const scan = await executeServerCommand<{ bytes: number; found: string[] }, { needles: string[] }>('relay-data-scan', {
      needles: [plain, 'sentinel', 'Zeldarina', 'Quorbeth', 'Secret plans', 'mallory to bob'],
    });
    expect(scan?.bytes).to.be.greaterThan(1000);
    expect(scan?.found).to.deep.equal([]);
  });
});
