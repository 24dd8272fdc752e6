import { expect } from '@esm-bundle/chai';
import { compareOrder, orderKey } from '../../src/core/order.js';
import { compareMessages, mergeIntoWindow } from '../../src/ui/messages-window.js';
import type { MessageView } from '../../src/core/api.js';
import type { ChatService, Refetch } from '../../src/core/chat-service.js';
import { historyRefetch } from '../../src/core/history-refetch.js';
import { DEAD_RELAY, closeAll, newUser, relayGun, texts, waitFor } from '../helpers/controllers.js';

const A = 'A'.repeat(43) + '.' + 'a'.repeat(43);
const B = 'B'.repeat(43) + '.' + 'b'.repeat(43);
const id = (ms: number, r = 0) => ms.toString(36).padStart(9, '0') + r.toString(16).padStart(12, '0');

describe('chat order key', () => {
  it('orders by Lamport clock, then author, then sequence — never by the senders’ clocks', () => {
    const hourAhead = Date.now() + 3_600_000;
    const hourBehind = Date.now() - 3_600_000;
    const msgs = [
      { id: id(hourAhead, 1), author: A, sentAt: hourAhead, lamport: 1, seq: 1 },
      { id: id(hourBehind, 2), author: B, sentAt: hourBehind, lamport: 2, seq: 1 },
      { id: id(hourAhead, 3), author: A, sentAt: hourAhead, lamport: 3, seq: 2 },
      { id: id(hourAhead, 4), author: B, sentAt: hourAhead, lamport: 3, seq: 2 }, // concurrent with A's: A first
      { id: id(hourBehind, 5), author: A, sentAt: hourBehind, lamport: 10, seq: 3 },
    ];
    const shuffled = [msgs[4]!, msgs[2]!, msgs[0]!, msgs[3]!, msgs[1]!];
    expect(shuffled.sort(compareOrder).map((m) => m.id)).to.deep.equal(msgs.map((m) => m.id));
    // The key compares as text the same way (it is what IndexedDB indexes).
    const keys = msgs.map(orderKey);
    expect([...keys].sort()).to.deep.equal(keys);
  });

  it('same-millisecond bursts keep their sequence, whatever the random part of the id', () => {
    const t = Date.now();
    const burst = Array.from({ length: 300 }, (_, i) => ({ id: id(t, 0xffffff - i * 7919), author: A, sentAt: t, lamport: i + 1, seq: i + 1 }));
    const sorted = [...burst].reverse().sort(compareOrder);
    expect(sorted.map((m) => m.seq)).to.deep.equal(burst.map((m) => m.seq));
  });

  it('places old envelopes (no clock) first, by send time, and numbers wider than 2^40 still sort', () => {
    const old1 = { id: id(1000), author: B, sentAt: 1000 };
    const old2 = { id: id(2000), author: A, sentAt: 2000 };
    const fresh = { id: id(500), author: A, sentAt: 500, lamport: 1, seq: 1 };
    const huge = { id: id(600), author: A, sentAt: 600, lamport: 2 ** 45, seq: 2 };
    expect([huge, fresh, old2, old1].sort(compareOrder)).to.deep.equal([old1, old2, fresh, huge]);
  });

  it('the UI window sorts live updates by the same key', () => {
    const view = (m: { id: string; author: string; sentAt: number; lamport?: number; seq?: number }) =>
      ({ ...m, channelId: 'c', kind: 'text', text: m.id, status: 'received', receivedAt: 0, mine: false, authorName: '' }) as MessageView;
    const first = view({ id: id(5000), author: A, sentAt: 5000, lamport: 1, seq: 1 });
    const second = view({ id: id(1000), author: A, sentAt: 1000, lamport: 2, seq: 2 }); // clock went back
    expect(mergeIntoWindow([second], [first], false).map((m) => m.id)).to.deep.equal([first.id, second.id]);
    expect(compareMessages(first, second)).to.be.lessThan(0);
  });
});

describe('gap re-ask through a real relay', function () {
  this.timeout(60_000);
  afterEach(closeAll);

  it('a message whose predecessor never arrived asks for it through the plugged-in refetch, and stores what it delivers', async () => {
    const ann = await newUser('Ann');
    const ben = await newUser('Ben');
    const c = await ben.md.acceptInviteLink(await ann.md.createInviteLink());
    const chan = c.channelId;
    await waitFor('contact on Ann\'s side', async () => (await ann.md.listContacts()).some((x) => x.channelId === chan));
    const annPub = (await ann.md.session()).identity.pair.pub;
    const benChat = (await ben.md.session()).chat as unknown as {
      receive(channelId: string, signer: string, id: string, raw: unknown): void;
      setRefetch: ChatService['setRefetch'];
    };
    const first = await ann.md.sendText(chan, 'gap one');
    await waitFor('Ben has the first', async () => (await texts(ben.md, chan)).includes('gap one'));
    // From now on Ben's receive path never gets Ann's next new envelope from GUN (as if every copy was lost);
    // only a value handed over by the refetch passes.
    const receive = benChat.receive.bind(benChat);
    let lost = '';
    let lostValue: unknown;
    let delivering = false;
    benChat.receive = (channelId, signer, id, raw) => {
      if (signer === annPub && id > first.id && (!lost || id === lost) && !delivering) {
        lost = id;
        lostValue = raw;
        return;
      }
      receive(channelId, signer, id, raw);
    };
    const asked: string[][] = [];
    benChat.setRefetch(async (authorPub, channelId, msgId, deliver) => {
      asked.push([authorPub, channelId, msgId]);
      if (msgId !== lost) return;
      delivering = true;
      deliver(lostValue, msgId);
      delivering = false;
    });
    const second = await ann.md.sendText(chan, 'gap two');
    await waitFor('Ben lost the second', () => lost === second.id);
    await ann.md.sendText(chan, 'gap three');
    await waitFor('Ben has all three, in order', async () => (await texts(ben.md, chan)).join() === 'gap one,gap two,gap three');
    expect(asked).to.deep.equal([[annPub, chan, second.id]]);
  });
});

describe('gap re-ask over the relays\' HTTP history', function () {
  this.timeout(60_000);
  afterEach(closeAll);

  it('hands over the envelope stored under the missing key, exactly as GUN does; a GUN get only when no relay has it', async () => {
    const ann = await newUser('Ann');
    const ben = await newUser('Ben');
    const c = await ben.md.acceptInviteLink(await ann.md.createInviteLink());
    const chan = c.channelId;
    await waitFor('contact on Ann\'s side', async () => (await ann.md.listContacts()).some((x) => x.channelId === chan));
    const annPub = (await ann.md.session()).identity.pair.pub;
    const earlier = await ann.md.sendText(chan, 'just before');
    const sent = await ann.md.sendText(chan, 'asked again');
    // The relay acknowledged (stored) the write: only then can its history have it.
    await waitFor('the relay acked Ann\'s write', async () => (await (await ann.md.session()).outbox.pendingCount()) === 0);
    // What Ben's GUN subscription handed over for that key is the reference.
    const viaGun = await new Promise<unknown>((ok) => (ben.md as unknown as { connection: { gun: { get(s: string): { get(k: string): { on(cb: (v: unknown) => void): void } } } } }).connection.gun
      .get(`~${annPub}/md1/c/${chan}`).get(sent.id).on((v) => v && ok(v)));
    const fallback: string[] = [];
    const gun: Refetch = async (_a, _c, id) => void fallback.push(id);
    const refetch = historyRefetch(() => [relayGun(), DEAD_RELAY], gun);
    const delivered: [unknown, string][] = [];
    await refetch(annPub, chan, sent.id, (v, k) => delivered.push([v, k]));
    expect(delivered.find(([, k]) => k === sent.id)).to.deep.equal([viaGun, sent.id]);
    // The keys before it come along (a missing message is rarely alone), and nothing after it.
    expect(delivered.every(([, k]) => k <= sent.id)).to.equal(true);
    expect(delivered.some(([, k]) => k === earlier.id)).to.equal(true);
    expect(fallback).to.deep.equal([]);
    const missing = sent.id.slice(0, -1) + (sent.id.endsWith('0') ? '1' : '0');
    delivered.length = 0;
    await refetch(annPub, chan, missing, (v, k) => delivered.push([v, k]));
    expect(delivered.some(([, k]) => k === missing)).to.equal(false);
    expect(fallback).to.deep.equal([missing]);
  });
});
