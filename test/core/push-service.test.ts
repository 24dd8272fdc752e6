import { expect } from '@esm-bundle/chai';
import { openMeshdropDB } from '../../src/store/db.js';
import { putChannel } from '../../src/store/channels-store.js';
import { newChannelRecord } from '../../src/core/channels.js';
import { PushService, pushSouls, relayBase, TEST_SUBSCRIPTION_GLOBAL } from '../../src/core/push-service.js';

const RELAY = `${(window as unknown as { __MESHDROP_RELAY__: string }).__MESHDROP_RELAY__}`;
const PUB_A = 'a'.repeat(43) + '.' + 'b'.repeat(43);
const PUB_B = 'c'.repeat(43) + '.' + 'd'.repeat(43);
const ch = (n: number) => n.toString(16).padStart(32, '0');

describe('push service', () => {
  afterEach(() => delete (globalThis as Record<string, unknown>)[TEST_SUBSCRIPTION_GLOBAL]);

  it('follows every other member of every open chat, not closed chats', async () => {
    const db = await openMeshdropDB(`push-${Math.random()}`);
    await putChannel(db, newChannelRecord({ id: ch(1), kind: 'direct', title: 'A', members: [PUB_A], admin: '', key: { epoch: 0, key: 'k' } }));
    await putChannel(db, newChannelRecord({ id: ch(2), kind: 'group', title: 'G', members: [PUB_A, PUB_B], admin: PUB_A, key: { epoch: 0, key: 'k' } }));
    await putChannel(db, { ...newChannelRecord({ id: ch(3), kind: 'direct', title: 'C', members: [PUB_B], admin: '', key: { epoch: 0, key: 'k' } }), closed: true });
    expect((await pushSouls(db)).sort()).to.deep.equal([`~${PUB_A}/md1/c/${ch(1)}`, `~${PUB_A}/md1/c/${ch(2)}`, `~${PUB_B}/md1/c/${ch(2)}`].sort());
    db.close();
  });

  it('a refused notification permission leaves push off with a message saying how to allow it', async () => {
    const db = await openMeshdropDB(`push-${Math.random()}`);
    (globalThis as Record<string, unknown>)[TEST_SUBSCRIPTION_GLOBAL] = { endpoint: 'https://push.example/x', keys: { p256dh: 'x', auth: 'y' } };
    const push = new PushService(db, () => [RELAY]);
    await push.start();
    expect(Notification.permission).to.not.equal('granted');
    const status = await push.enable();
    expect(status.enabled).to.equal(false);
    expect(status.error).to.equal('permission-denied');
    expect(await db.get('settings', 'push')).to.deep.include({ enabled: false });
    db.close();
  });

  it('relayBase turns a GUN URL into the relay HTTP base', () => {
    expect(relayBase('https://r.example/gun')).to.equal('https://r.example');
    expect(relayBase('http://127.0.0.1:8765/gun')).to.equal('http://127.0.0.1:8765');
  });
});
