import { expect } from '@esm-bundle/chai';
import { RECEIPT_MAX_IDS, receiptIds, receiptWrites } from '../../src/core/receipts.js';
import type { MessageRecord } from '../../src/store/schema.js';

const T = Date.UTC(2026, 10, 30, 12);
const id = (i: number, tail = 'aaaaaaaaaaaa') => (T + i).toString(36).padStart(9, '0') + tail;
const msg = (i: number, author: string, channelId = 'c'.repeat(32)) => ({ id: id(i), author, channelId }) as MessageRecord;

describe('delivery receipts', () => {
  it('one receipt per channel and author of a batch, under the newest id, none for my own messages', () => {
    const stored = [msg(3, 'ann'), msg(1, 'ann'), msg(2, 'ben'), msg(5, 'me'), msg(4, 'ann', 'd'.repeat(32))];
    const writes = receiptWrites(stored, 'me');
    expect(writes.map((w) => [w.path.join('/'), w.value])).to.deep.equal([
      [`md1/r/${'c'.repeat(32)}/ann/${id(3)}`, `${id(1)} ${id(3)}`],
      [`md1/r/${'c'.repeat(32)}/ben/${id(2)}`, 1],
      [`md1/r/${'d'.repeat(32)}/ann/${id(4)}`, 1],
    ]);
    // Every receipt read back names exactly the messages it was written for.
    expect(receiptIds(id(3), writes[0]!.value)).to.deep.equal([id(1), id(3)]);
    expect(receiptIds(id(2), writes[1]!.value)).to.deep.equal([id(2)]);
  });

  it('a batch larger than a receipt holds is split', () => {
    const stored = Array.from({ length: RECEIPT_MAX_IDS + 3 }, (_, i) => msg(i, 'ann'));
    const writes = receiptWrites(stored, 'me');
    expect(writes.length).to.equal(2);
    expect(writes.flatMap((w) => receiptIds(w.path.at(-1)!, w.value)!).length).to.equal(RECEIPT_MAX_IDS + 3);
  });

  it('a hostile reader cannot claim more than a well-formed receipt says', () => {
    // Old single receipts still count.
    expect(receiptIds(id(1), 1)).to.deep.equal([id(1)]);
    expect(receiptIds(id(1), '1')).to.deep.equal([id(1)]);
    expect(receiptIds('not-an-id', 1)).to.equal(undefined);
    // A list must contain its own key and nothing newer than it.
    expect(receiptIds(id(2), `${id(1)} ${id(3)}`)).to.equal(undefined);
    expect(receiptIds(id(3), `${id(1)} ${id(2)}`)).to.equal(undefined);
    expect(receiptIds(id(3), `${id(1)} bogus ${id(3)}`)).to.equal(undefined);
    expect(receiptIds(id(3), `${id(1)}  ${id(3)}`)).to.equal(undefined);
    expect(receiptIds(id(3), { ids: [id(3)] })).to.equal(undefined);
    expect(receiptIds(id(3), 2)).to.equal(undefined);
    const tooMany = Array.from({ length: RECEIPT_MAX_IDS + 1 }, (_, i) => id(i - RECEIPT_MAX_IDS - 1));
    expect(receiptIds(id(0), [...tooMany, id(0)].join(' '))).to.equal(undefined);
    expect(receiptIds(id(3), 'x'.repeat(1_000_000))).to.equal(undefined);
    // Repeated ids count once.
    expect(receiptIds(id(3), `${id(3)} ${id(3)}`)).to.deep.equal([id(3)]);
  });
});
