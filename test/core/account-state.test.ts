import { expect } from '@esm-bundle/chai';
import { AccountStateError, collectAccountState, mergeAccountState, parseAccountState, type AccountState, type DeviceRecord, type SyncedChannel } from '../../src/core/account-state.js';
import { createKeyPair, randomId } from '../../src/core/crypto.js';
import { entryKey, openSelfEntry, sealSelfEntry, selfKeys } from '../../src/core/self-channel.js';
import { confirmationCode, openLinkReply, parseDeviceLink, sealLinkReply } from '../../src/core/device-link.js';
import { exportIdentityBackup, createIdentity, openBackup } from '../../src/core/identity.js';
import { openMeshdropDB, type MeshdropDatabase } from '../../src/store/db.js';
import { putChannel } from '../../src/store/channels-store.js';
import { getContact } from '../../src/store/contacts-store.js';

const PUB_A = `${'a'.repeat(43)}.${'b'.repeat(43)}`;
const PUB_B = `${'c'.repeat(43)}.${'d'.repeat(43)}`;
const EPUB = `${'e'.repeat(43)}.${'f'.repeat(43)}`;

function group(over: Partial<SyncedChannel> = {}): SyncedChannel {
  return {
    id: '1'.repeat(32),
    kind: 'group',
    title: 'Trip',
    members: [PUB_A, PUB_B],
    admin: PUB_A,
    keys: [{ epoch: 0, key: 'k0'.repeat(16) }],
    currentEpoch: 0,
    createdAt: 1000,
    lastReadAt: 1000,
    closed: false,
    ...over,
  };
}

function direct(): SyncedChannel {
  return { ...group({ id: '2'.repeat(32), kind: 'direct', title: 'Bea', members: [PUB_B], admin: '' }) };
}

const contact = (over = {}) => ({ pub: PUB_B, epub: EPUB, name: 'Bea', addedAt: 1000, channelId: '2'.repeat(32), verified: false, at: 1000, ...over });
const state = (over: Partial<AccountState> = {}): AccountState => ({ v: 1, contacts: [], channels: [], devices: [], ...over });

describe('account state', () => {
  let db: MeshdropDatabase;
  beforeEach(async () => {
    db = await openMeshdropDB(`md-state-${randomId(6)}`);
  });
  afterEach(() => db.close());

  it('accepts a well-formed state and rejects malformed ones whole', () => {
    const good = state({ contacts: [contact()], channels: [direct(), group()] });
    expect(parseAccountState(JSON.parse(JSON.stringify(good)))).to.deep.equal(good);
    const bad: unknown[] = [
      null,
      'x',
      { v: 2 },
      { v: 1, contacts: 'x' },
      { v: 1, contacts: [{ ...contact(), pub: 'not a key' }] },
      { v: 1, contacts: [{ ...contact(), name: 'a\u0000b' }] },
      { v: 1, channels: [{ ...group(), id: '../../etc' }] },
      { v: 1, channels: [{ ...group(), keys: [] }] },
      { v: 1, channels: [{ ...group(), currentEpoch: 5 }] }, // no key for the current epoch
      { v: 1, channels: [{ ...group(), keys: [{ epoch: -1, key: 'k'.repeat(32) }], currentEpoch: -1 }] },
      { v: 1, channels: [{ ...group(), members: Array(500).fill(PUB_A) }] },
      { v: 1, channels: [{ ...direct(), members: [PUB_A, PUB_B] }] },
      { v: 1, channels: [{ ...group(), lastReadAt: Infinity }] },
      { v: 1, devices: [{ id: 'x', name: 'Phone', linkedAt: 1, removed: false, at: 1 }] },
      { v: 1, devices: Array(51).fill({ id: 'a'.repeat(16), name: 'P', linkedAt: 1, removed: false, at: 1 }) },
    ];
    for (const b of bad) expect(() => parseAccountState(b), JSON.stringify(b)?.slice(0, 80)).to.throw(AccountStateError);
  });

  it('merges idempotently: a replayed older copy never undoes a newer change', async () => {
    await mergeAccountState(db, state({ channels: [direct(), group()], contacts: [contact()] }), {}, []);
    const stamps: Record<string, number> = {};
    const newer = state({
      channels: [group({ keys: [{ epoch: 0, key: 'k0'.repeat(16) }, { epoch: 1, key: 'k1'.repeat(16) }], currentEpoch: 1, members: [PUB_A], lastReadAt: 5000 })],
      contacts: [contact({ verified: true, at: 3000 })],
    });
    const older = state({ channels: [group({ lastReadAt: 2000 })], contacts: [contact({ verified: false, at: 2000 })] });
    await mergeAccountState(db, newer, stamps, []);
    const after = await collectAccountState(db, stamps, []);
    for (let i = 0; i < 2; i++) {
      const r = await mergeAccountState(db, older, stamps, []);
      expect(r.channels).to.deep.equal([]);
      expect(r.contactsChanged).to.equal(false);
      await mergeAccountState(db, newer, stamps, []); // the same copy again: nothing changes either
    }
    expect(await collectAccountState(db, stamps, [])).to.deep.equal(after);
    const g = after.channels.find((c) => c.kind === 'group')!;
    expect([g.currentEpoch, g.members, g.lastReadAt, g.keys.length]).to.deep.equal([1, [PUB_A], 5000, 2]);
    expect((await getContact(db, PUB_B))?.verified).to.equal(true);
  });

  it('never turns a direct chat into a group or hands a group to another admin; closed wins at the same epoch', async () => {
    await mergeAccountState(db, state({ channels: [direct(), group()] }), {}, []);
    const r = await mergeAccountState(db, state({ channels: [{ ...direct(), kind: 'group', admin: PUB_A } as SyncedChannel, group({ admin: PUB_B, members: [PUB_A] })] }), {}, []);
    expect(r.channels).to.deep.equal([]);
    await mergeAccountState(db, state({ channels: [group({ closed: true })] }), {}, []);
    await mergeAccountState(db, state({ channels: [group({ closed: false })] }), {}, []);
    expect((await collectAccountState(db, {}, [])).channels.find((c) => c.kind === 'group')?.closed).to.equal(true);
  });

  it('a contact without its 1:1 chat is not added; an unlinked device cannot be brought back by a replay', async () => {
    const r = await mergeAccountState(db, state({ contacts: [contact()] }), {}, []);
    expect(r.contactsChanged).to.equal(false);
    const dev: DeviceRecord = { id: 'a'.repeat(16), name: 'Phone', linkedAt: 1, removed: false, at: 1 };
    const { devices } = await mergeAccountState(db, state({ devices: [{ ...dev, removed: true, at: 5 }] }), {}, [dev]);
    const again = await mergeAccountState(db, state({ devices: [{ ...dev, name: 'Phone 2', at: 9 }] }), {}, devices);
    expect(again.devicesChanged).to.equal(false);
    expect(again.devices[0]?.removed).to.equal(true);
  });

  it('mute flags follow the newest change; an older copy replayed later changes nothing', async () => {
    const stamps: Record<string, number> = {};
    await mergeAccountState(db, state({ channels: [group()] }), stamps, []);
    await mergeAccountState(db, state({ channels: [group({ muted: true, mutedAt: 3000 })] }), stamps, []);
    await mergeAccountState(db, state({ channels: [group({ muted: false, mutedAt: 2000 })] }), stamps, []);
    expect((await db.get('channels', group().id))?.muted).to.equal(true);
    await mergeAccountState(db, state({ channels: [group({ muted: false, mutedAt: 4000 })] }), stamps, []);
    expect((await db.get('channels', group().id))?.muted).to.equal(false);
    expect(() => parseAccountState({ v: 1, channels: [{ ...group(), muted: 'yes', mutedAt: 1 }] })).to.throw(AccountStateError);
  });

  it('replayed history below the read mark from another device does not count as unread', async () => {
    await putChannel(db, { ...group(), lastMessageAt: 1000, unread: 0 });
    await mergeAccountState(db, state({ channels: [group({ lastReadAt: 9000 })] }), {}, []);
    const c = await db.get('channels', group().id);
    expect(c?.readUpTo).to.equal(9000);
  });
});

describe('self-channel entries', () => {
  it('open only with the account key, at the key they were written under', async () => {
    const pair = await createKeyPair();
    const keys = await selfKeys(pair);
    expect(keys).to.deep.equal(await selfKeys(pair)); // the same on every device holding the pair
    const id = await entryKey(keys, 'h:x');
    const entry = { id, device: 'a'.repeat(32), at: 5, state: state({ channels: [group()] }) };
    const raw = await sealSelfEntry(entry, keys);
    expect(raw).not.to.contain('Trip');
    expect(await openSelfEntry(raw, id, keys)).to.deep.equal(entry);
    expect(await openSelfEntry(raw, await entryKey(keys, 'h:y'), keys)).to.equal(undefined); // moved to another key
    expect(await openSelfEntry(raw, id, await selfKeys(await createKeyPair()))).to.equal(undefined); // another account
    const bad = await sealSelfEntry({ ...entry, state: { v: 1, channels: [{ id: 'x' }] } as unknown as AccountState }, keys);
    expect(await openSelfEntry(bad, id, keys)).to.equal(undefined);
    expect(await openSelfEntry('x'.repeat(3_000_000), id, keys)).to.equal(undefined);
    expect(await openSelfEntry({ a: 1 }, id, keys)).to.equal(undefined);
  });
});

describe('device links and backups', () => {
  it('link parsing: clear errors for junk, damage and expiry', () => {
    expect(() => parseDeviceLink('hello')).to.throw(/not a Meshdrop device link/);
    expect(() => parseDeviceLink('http://x/#invite=abc')).to.throw(/not a Meshdrop device link/);
    expect(() => parseDeviceLink('http://x/#link=!!!')).to.throw(/damaged/);
    const payload = btoa(JSON.stringify({ v: 1, e: 'e'.repeat(87), inbox: 'a'.repeat(32), x: 1000 }));
    expect(() => parseDeviceLink(`http://x/#link=${payload}`, 2000)).to.throw(/expired/);
    expect(parseDeviceLink(`http://x/#link=${payload}`, 500).inbox).to.equal('a'.repeat(32));
  });

  it('a reply opens only with the exchange secret; the code is the same on both sides', async () => {
    const identity = await createIdentity('Ann');
    const { key, value } = await sealLinkReply({ identity, state: state({ channels: [group()] }) }, 'secret-1'.repeat(4));
    expect(key).to.be.a('string');
    expect(value).not.to.contain(identity.pair.priv);
    expect((await openLinkReply(value, 'secret-1'.repeat(4))) as unknown).to.have.nested.property('identity.name', 'Ann');
    expect(await openLinkReply(value, 'secret-2'.repeat(4))).to.equal(undefined);
    expect(await confirmationCode('s')).to.match(/^\d{3} \d{3}$/).and.equal(await confirmationCode('s'));
  });

  it('a backup carries the account state; an old keys-only backup still opens', async () => {
    const identity = await createIdentity('Ann');
    const st = state({ channels: [group()] });
    const withState = await openBackup(await exportIdentityBackup(identity, 'passphrase!', st), 'passphrase!');
    expect(withState.state).to.deep.equal(st);
    // A version-1 file as the previous release wrote it (no state).
    const v1 = JSON.parse(await exportIdentityBackup(identity, 'passphrase!')) as { version: number };
    v1.version = 1;
    const old = await openBackup(JSON.stringify(v1), 'passphrase!');
    expect(old.identity.pair).to.deep.equal(identity.pair);
    expect(old.state).to.equal(undefined);
  });
});
