import { expect } from '@esm-bundle/chai';
import { compareOrder, orderKey } from '../../src/core/order.js';
import { compareMessages, mergeIntoWindow } from '../../src/ui/messages-window.js';
import type { MessageView } from '../../src/core/api.js';

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
