import { expect } from '@esm-bundle/chai';
import { closeAll, newUser, openController, waitFor } from '../helpers/controllers.js';
import type { Meshdrop } from '../../src/core/meshdrop.js';
import { decideAction } from '../../src/core/conversation-rules.js';
import { newMessageId } from '../../src/core/ids.js';
import { orderKey } from '../../src/core/order.js';
import { openMeshdropDB } from '../../src/store/db.js';
import { applyParked, loadPageAround, storeAndApplyAction } from '../../src/store/conversation-store.js';
import { SearchIndex } from '../../src/core/search-index.js';
import type { ActionRecord, ChannelRecord, MessageRecord } from '../../src/store/schema.js';
import { randomId } from '../../src/core/crypto.js';
import { rejection } from '../helpers/rejection.js';

const ANN = 'ann-pub';
const BEN = 'ben-pub';

const channel = (over: Partial<ChannelRecord> = {}): ChannelRecord => ({
  id: 'chan-a',
  kind: 'direct',
  title: '',
  members: [BEN],
  admin: '',
  keys: [],
  currentEpoch: 0,
  createdAt: 1,
  lastMessageAt: 1,
  lastReadAt: 1,
  unread: 0,
  closed: false,
  ...over,
});

/** A stored message as the store writes it: with its order key (the index history pages are read by). */
const message = (over: Partial<MessageRecord> = {}): MessageRecord => {
  const m: MessageRecord = { id: newMessageId(1000), channelId: 'chan-a', author: ANN, sentAt: 1000, kind: 'text', text: 'original', status: 'received', receivedAt: 1000, ...over };
  return { ...m, order: orderKey(m) };
};

const action = (target: string, over: Partial<ActionRecord> = {}): ActionRecord => ({
  id: newMessageId(2000),
  channelId: 'chan-a',
  author: ANN,
  sentAt: 2000,
  target,
  type: 'edit',
  value: 'fixed',
  state: 'parked',
  ...over,
});

describe('conversation rules', () => {
  it('an edit by someone other than the author is dropped; the author\'s edit applies and is labelled', () => {
    const m = message();
    expect(decideAction(action(m.id, { author: BEN }), m, channel())).to.deep.equal({ state: 'dropped' });
    const ok = decideAction(action(m.id), m, channel());
    expect(ok.message?.text).to.equal('fixed');
    expect(ok.message?.edited?.at).to.equal(2000);
  });

  it('a reaction or edit naming a message of another chat is dropped', () => {
    const m = message({ channelId: 'chan-b' });
    expect(decideAction(action(m.id, { type: 'react', value: '👍', author: BEN }), m, channel()).state).to.equal('dropped');
    expect(decideAction(action(m.id), m, channel()).state).to.equal('dropped');
  });

  it('edits and reactions: the latest by the author\'s order wins, whatever the arrival order', () => {
    const m = message();
    const late = action(m.id, { id: newMessageId(3000), sentAt: 3000, value: 'second' });
    const early = action(m.id, { value: 'first' });
    const afterLate = decideAction(late, m, channel()).message!;
    const afterEarly = decideAction(early, afterLate, channel());
    expect(afterEarly.message).to.equal(undefined); // superseded: nothing changes
    expect(afterLate.text).to.equal('second');

    const r1 = decideAction(action(m.id, { type: 'react', value: '👍', author: BEN, sentAt: 5000, id: newMessageId(5000) }), m, channel()).message!;
    const r0 = decideAction(action(m.id, { type: 'react', value: '😢', author: BEN, sentAt: 4000, id: newMessageId(4000) }), r1, channel());
    expect(r0.message).to.equal(undefined);
    const removed = decideAction(action(m.id, { type: 'react', value: '', author: BEN, sentAt: 6000, id: newMessageId(6000) }), r1, channel()).message!;
    expect(removed.reactions?.[BEN]?.emoji).to.equal('');
  });

  it('only the author deletes for everyone, or the admin in a group; a deleted file message loses its file', () => {
    const m = message({ author: BEN, kind: 'file', text: '', file: { fileId: 'f'.repeat(32) } as MessageRecord['file'] });
    expect(decideAction(action(m.id, { type: 'delete', value: '' }), m, channel()).state).to.equal('dropped');
    const byAdmin = decideAction(action(m.id, { type: 'delete', value: '' }), m, channel({ kind: 'group', admin: ANN }));
    expect(byAdmin.message?.deleted).to.equal(true);
    expect(byAdmin.message?.file).to.equal(undefined);
    expect(byAdmin.deletedFileId).to.equal('f'.repeat(32));
    const own = decideAction(action(m.id, { type: 'delete', value: '', author: BEN }), m, channel());
    expect(own.message?.deleted).to.equal(true);
  });
});

describe('conversation store', () => {
  it('a replayed action changes nothing; an edit that arrives before its message is applied when it arrives', async () => {
    const db = await openMeshdropDB(`md-conv-${randomId(6)}`);
    try {
      await db.put('channels', channel());
      const m = message();
      const edit = action(m.id);
      expect((await storeAndApplyAction(db, edit, decideAction))?.state).to.equal('parked');
      // The message arrives later: the parked edit applies to it.
      await db.put('messages', m);
      const after = await applyParked(db, m, decideAction);
      expect(after.message.text).to.equal('fixed');
      expect((await db.get('messages', m.id))?.text).to.equal('fixed');
      // A replay of the same action (same id) is a no-op, even with different content.
      expect(await storeAndApplyAction(db, { ...edit, value: 'replayed' }, decideAction)).to.equal(undefined);
      expect((await db.get('messages', m.id))?.text).to.equal('fixed');
    } finally {
      db.close();
    }
  });

  it('searches all chats newest first and loads the page around a message', async () => {
    const db = await openMeshdropDB(`md-conv-${randomId(6)}`);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        ids.push(newMessageId(1000 + i));
        await db.put('messages', message({ id: ids[i]!, sentAt: 1000 + i, channelId: i % 2 ? 'chan-a' : 'chan-b', text: i % 3 ? `note ${i}` : `Lunch at ${i}` }));
      }
      const index = new SearchIndex(() => db.getAll('messages'));
      const hits = await index.search('LUNCH', 50);
      expect(hits.map((h) => ids.indexOf(h.id))).to.deep.equal([27, 24, 21, 18, 15, 12, 9, 6, 3, 0]);
      expect(hits[0]!.at).to.equal(0);
      // Kept current from updates: an edit that removes the word, a deletion, a new message.
      const m27 = (await db.get('messages', ids[27]!))!;
      index.update([{ ...m27, text: 'dinner instead' }, { ...(await db.get('messages', ids[24]!))!, deleted: true }, message({ id: newMessageId(5000), sentAt: 5000, text: 'late lunch' })]);
      expect((await index.search('lunch', 3)).map((h) => h.at)).to.deep.equal([5, 0, 0]);
      expect((await index.search('lunch', 50)).length).to.equal(9);
      const around = await loadPageAround(db, 'chan-a', ids[15]!, 3);
      expect(around?.messages.map((m) => m.sentAt)).to.deep.equal([1009, 1011, 1013, 1015, 1017, 1019, 1021]);
      expect(around?.hasMore).to.equal(true);
      expect(around?.hasNewer).to.equal(true);
    } finally {
      db.close();
    }
  });
});

/** Makes `b` a contact of `a` (both sides) through an invite link; returns the channel id. */
async function connect(a: Meshdrop, b: Meshdrop): Promise<string> {
  const c = await b.acceptInviteLink(await a.createInviteLink());
  await waitFor('contact on inviter side', async () => (await a.listContacts()).some((x) => x.channelId === c.channelId));
  return c.channelId;
}

const find = async (md: Meshdrop, channelId: string, id: string) => (await md.loadMessages(channelId, { limit: 100 })).messages.find((m) => m.id === id);

describe('conversation through a real relay', function () {
  this.timeout(150000);
  afterEach(closeAll);

  it('reply, reaction, edit, delete and seen reach the other side; forged actions from a member are dropped', async () => {
    const ann = await newUser('Ann');
    const ben = await newUser('Ben');
    const chan = await connect(ann.md, ben.md);
    const other = await connect(ann.md, (await newUser('Cy')).md); // another chat of Ann's

    const hello = await ann.md.sendText(chan, 'hello Ben');
    await waitFor('Ben has it', () => find(ben.md, chan, hello.id));
    const reply = await ben.md.sendReply(chan, 'hi Ann', hello.id);
    expect(reply.quote).to.deep.include({ id: hello.id, text: 'hello Ben', state: 'ok' });
    await ben.md.react(chan, hello.id, '👍');
    await ann.md.editMessage(chan, hello.id, 'hello Ben (edited)');
    const annReply = await waitFor('reply at Ann', () => find(ann.md, chan, reply.id));
    expect(annReply.quote?.text).to.match(/^hello Ben/);
    await waitFor('reaction at Ann', async () => (await find(ann.md, chan, hello.id))?.reactionSummary?.[0]?.names.join() === 'Ben');
    await waitFor('edit at Ben', async () => {
      const m = await find(ben.md, chan, hello.id);
      return m?.text === 'hello Ben (edited)' && !!m.edited;
    });

    // Local checks refuse what the rules forbid.
    expect(await rejection(ben.md.editMessage(chan, hello.id, 'not mine'))).to.match(/only edit your own/);
    expect(await rejection(ben.md.deleteForEveryone(chan, hello.id))).to.match(/only delete your own/);

    // Ben's client skips its checks (a modified app): his signed envelopes must still be dropped by Ann.
    const benChat = (await ben.md.session()).chat;
    await benChat.sendAction(chan, { type: 'edit', target: hello.id, text: 'forged edit' });
    await benChat.sendAction(chan, { type: 'delete', target: hello.id });
    // A reaction in the Ann–Ben chat naming a message of Ann's other chat.
    const elsewhere = await ann.md.sendText(other, 'private to Cy');
    await benChat.sendAction(chan, { type: 'react', target: elsewhere.id, emoji: '😈' });
    const marker = await ben.md.sendText(chan, 'after the forgeries'); // arrives after them (same author, in order)
    await waitFor('marker at Ann', () => find(ann.md, chan, marker.id));
    await waitFor('forgeries dropped', async () => (await (await ann.md.session()).db.getAll('actions')).filter((a) => a.state === 'dropped').length === 3);
    const h = await find(ann.md, chan, hello.id);
    expect(h?.text).to.equal('hello Ben (edited)');
    expect(h?.deleted).to.equal(undefined);
    expect((await ann.md.loadMessages(other, { limit: 10 })).messages.find((m) => m.id === elsewhere.id)?.reactions).to.equal(undefined);

    // Seen: Ann views the chat → Ben's reply shows as seen by Ann.
    await ann.md.markRead(chan);
    await waitFor('seen at Ben', async () => (await find(ben.md, chan, reply.id))?.seenBy?.join() === 'Ann');

    // Delete for everyone: Ben sees "deleted", and the reaction is gone.
    await ann.md.deleteForEveryone(chan, hello.id);
    await waitFor('deleted at Ben', async () => (await find(ben.md, chan, hello.id))?.deleted === true);
    const quoted = await find(ben.md, chan, reply.id);
    expect(quoted?.quote?.state).to.equal('deleted');

    // A deleted file stops being offered (sender's queued chunks dropped) and kept or fetched (receiver).
    await ann.md.sendFiles(chan, [new File([new Uint8Array(300_000).fill(7)], 'plan.bin')]);
    const fileMsg = await waitFor('file message at Ben', async () => (await ben.md.loadMessages(chan, { limit: 100 })).messages.find((m) => m.kind === 'file'));
    const fileId = fileMsg.file!.fileId;
    await ann.md.deleteForEveryone(chan, fileMsg.id);
    await waitFor('Ben drops the file', async () => (await ben.md.getFile(fileId))?.error === 'This file was deleted.');
    expect((await ben.md.getFile(fileId))?.blob).to.equal(undefined);
    expect((await ann.md.getFile(fileId))?.status).to.equal('failed');
    const annChunks = await ann.md.db.getAllKeys('chunks', IDBKeyRange.bound([fileId, -Infinity], [fileId, Infinity]));
    expect(annChunks).to.deep.equal([]);
    expect((await find(ben.md, chan, fileMsg.id))?.file).to.equal(undefined);

    // Delete for me: gone locally only.
    await ben.md.deleteForMe(chan, reply.id);
    expect(await find(ben.md, chan, reply.id)).to.equal(undefined);
    expect(await find(ann.md, chan, reply.id)).to.not.equal(undefined);

    // Search finds history across chats, newest first.
    const results = await ann.md.searchMessages('private');
    expect(results.map((r) => r.match)).to.deep.equal(['private']);
    expect(results[0]!.channelTitle).to.equal('Cy');
  });

  it('reactions, edits and deletions are numbered in the author\'s sequence like messages (lamport, seq)', async () => {
    const ann = await newUser('Ann');
    const ben = await newUser('Ben');
    const chan = await connect(ann.md, ben.md);
    const annPub = (await ann.md.session()).identity.pair.pub;
    const first = await ann.md.sendText(chan, 'one');
    await ann.md.react(chan, first.id, '🎉');
    await ann.md.editMessage(chan, first.id, 'one (edited)');
    const last = await ann.md.sendText(chan, 'two');
    // Ann's counters: two messages and two actions, in call order.
    const annDb = (await ann.md.session()).db;
    expect((await annDb.get('messages', last.id))?.seq).to.equal(4);
    expect((await annDb.get('channels', chan))?.sendSeq).to.equal(4);
    const benDb = (await ben.md.session()).db;
    await waitFor('edit and last message at Ben', async () => (await benDb.get('messages', last.id)) !== undefined && (await benDb.get('messages', first.id))?.text === 'one (edited)');
    const stored = (await benDb.get('messages', last.id))!;
    expect(stored.seq).to.equal(4);
    expect(stored.lamport).to.be.greaterThan((await benDb.get('messages', first.id))!.lamport! + 2);
    // Ben counts Ann's actions in her sequence range (so the gap re-ask sees them).
    await waitFor('Ben counted the actions', async () => (await benDb.get('channels', chan))?.authors?.[annPub]?.top === 4);
    const progress = (await benDb.get('channels', chan))!.authors![annPub]!;
    expect(progress.floor).to.equal(1);
  });

  it('seen receipts off: none sent and none shown; the setting survives a restart', async () => {
    const ann = await newUser('Ann');
    const ben = await newUser('Ben');
    const chan = await connect(ann.md, ben.md);
    await ben.md.setSeenReceipts(false);
    const first = await ann.md.sendText(chan, 'first');
    await waitFor('Ben has it', () => find(ben.md, chan, first.id));
    await ben.md.markRead(chan); // Ben reads, but sends no receipt
    const benSession = await ben.md.session();
    expect((await benSession.db.getAll('outbox')).filter((w) => w.path.includes('seen'))).to.deep.equal([]);
    expect(await benSession.db.getAll('seen')).to.deep.equal([]);
    // Ann sees "delivered" but never "seen".
    await waitFor('delivered at Ann', async () => (await find(ann.md, chan, first.id))?.status === 'delivered');
    // Ben, with receipts off, does not see Ann's either, although she sends them.
    const back = await ben.md.sendText(chan, 'back');
    await waitFor('Ann has it', () => find(ann.md, chan, back.id));
    await ann.md.markRead(chan);
    await waitFor('Ann wrote her receipt', async () => (await (await ann.md.session()).outbox.pendingCount()) === 0);
    expect((await find(ann.md, chan, first.id))?.seenBy).to.equal(undefined);
    expect((await find(ben.md, chan, back.id))?.seenBy).to.equal(undefined);
    ben.md.close();
    const again = await openController(ben.dbName);
    await again.session();
    expect(again.seenReceipts).to.equal(false);
    // Turned on again: Ann's receipt is read.
    await again.setSeenReceipts(true);
    await waitFor('seen at Ben once on', async () => (await find(again, chan, back.id))?.seenBy?.join() === 'Ann');
  });
});
