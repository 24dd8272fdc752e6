import { expect } from '@esm-bundle/chai';
import { closeAll, newUser, openController, texts, waitFor } from '../helpers/controllers.js';
import type { Meshdrop } from '../../src/core/meshdrop.js';
import type { FileMeta, MessageRecord } from '../../src/store/schema.js';
import { rejection } from '../helpers/rejection.js';

describe('contacts and 1:1 chat through a real relay', function () {
  this.timeout(120000);
  afterEach(closeAll);

  it('adds a contact by invite while the inviter is offline, then chats both ways', async () => {
    const alice = await newUser('Alice');
    const link = await alice.md.createInviteLink();
    expect(link).to.match(new RegExp(`^${location.origin}/#invite=[A-Za-z0-9_-]+$`));
    expect(link).not.to.contain('Alice');
    alice.md.close(); // Alice goes offline before Bob uses the link

    const bob = await newUser('Bob');
    const contact = await bob.md.acceptInviteLink(link);
    expect(contact.name).to.equal('Alice');
    expect(contact.safetyNumber).to.match(/^(\d{5} ){11}\d{5}$/);
    // The request reaches the relay (outbox drained) while Alice is away.
    const session = await bob.md.session();
    await waitFor('request acked by relay', async () => (await session.outbox.pendingCount()) === 0);

    const alice2 = await openController(alice.dbName);
    const aliceContacts = await waitFor('Alice sees Bob', async () => {
      const list = await alice2.listContacts();
      return list.length === 1 ? list : undefined;
    });
    expect(aliceContacts[0]?.name).to.equal('Bob');
    expect(aliceContacts[0]?.safetyNumber).to.equal(contact.safetyNumber);
    expect(aliceContacts[0]?.channelId).to.equal(contact.channelId);

    // Bob learns he is connected from Alice's profile message.
    await waitFor('Bob sees the connected note', async () => {
      const page = await bob.md.loadMessages(contact.channelId, { limit: 10 });
      return page.messages.some((m) => m.kind === 'system' && /connected/.test(m.text));
    });

    const events: string[] = [];
    let channelEvents = 0;
    bob.md.addEventListener('channels', () => (channelEvents += 1));
    bob.md.addEventListener('messages', (e) => {
      for (const m of (e as CustomEvent<{ messages: { text: string }[] }>).detail.messages) events.push(m.text);
    });
    const sent = await alice2.sendText(contact.channelId, 'Hello Bob <b>not html</b>');
    expect(sent.status).to.equal('pending');
    expect(sent.mine).to.equal(true);
    await waitFor('Bob receives', async () => (await texts(bob.md, contact.channelId)).includes('Hello Bob <b>not html</b>'));
    await waitFor('messages event', () => events.includes('Hello Bob <b>not html</b>')); // dispatched just after storing
    expect(channelEvents).to.be.greaterThan(0);
    await bob.md.sendText(contact.channelId, 'Hi Alice');
    await waitFor('Alice receives', async () => (await texts(alice2, contact.channelId)).includes('Hi Alice'));

    // Statuses: Alice's message goes pending → sent → delivered (Bob's receipt).
    await waitFor('delivered', async () => {
      const page = await alice2.loadMessages(contact.channelId, { limit: 10 });
      return page.messages.find((m) => m.id === sent.id)?.status === 'delivered';
    });

    // Unread counts and previews.
    const bobChats = await bob.md.listChannels();
    expect(bobChats[0]?.title).to.equal('Alice');
    const aliceChat = await alice2.getChannel(contact.channelId);
    expect(aliceChat?.unread).to.equal(1);
    expect(aliceChat?.lastMessagePreview).to.equal('Hi Alice');
    await alice2.markRead(contact.channelId);
    expect((await alice2.getChannel(contact.channelId))?.unread).to.equal(0);

    let contactEvents = 0;
    alice2.addEventListener('contacts', () => (contactEvents += 1));
    await alice2.setContactVerified(aliceContacts[0]?.pub ?? '', true);
    expect(contactEvents).to.equal(1);
    expect((await alice2.listContacts())[0]?.verified).to.equal(true);
  });

  it('rejects bad invite links and bad messages with clear errors', async () => {
    const carol = await newUser('Carol');
    const own = await carol.md.createInviteLink();
    expect((await rejection(carol.md.acceptInviteLink(own))).message).to.match(/your own invite/);
    expect((await rejection(carol.md.acceptInviteLink('hello'))).message).to.match(/not a Meshdrop invite link/);
    expect((await rejection(carol.md.acceptInviteLink(`${location.origin}/#other=1`))).message).to.match(/no "#invite=" part/);
    expect((await rejection(carol.md.acceptInviteLink(own.slice(0, -10)))).message).to.match(/damaged or incomplete/);
    expect((await rejection(carol.md.acceptInviteLink(own.replace(location.origin, 'ftp://other.example')))).message).to.match(/must start with https:\/\/ or http:\/\//);

    const dave = await newUser('Dave');
    const c = await dave.md.acceptInviteLink(own.replace(location.origin, 'https://other-deployment.example')); // another deployment's link is fine
    expect((await rejection(dave.md.sendText(c.channelId, 'x'.repeat(4001)))).message).to.match(/at most 4000 characters/);
    expect((await rejection(dave.md.sendText(c.channelId, '   '))).message).to.match(/Type a message/);
    expect((await rejection(dave.md.sendText('0'.repeat(32), 'hi'))).message).to.match(/does not exist/);
  });

  it('pages history from IndexedDB, newest first pages, oldest first within a page', async () => {
    const erin = await newUser('Erin');
    const frank = await newUser('Frank');
    const c = await frank.md.acceptInviteLink(await erin.md.createInviteLink());
    // Wait for the local "now connected" note first, so it cannot land in the middle of the pages checked below.
    await waitFor('connected note', async () => (await frank.md.loadMessages(c.channelId, { limit: 5 })).messages.some((m) => m.kind === 'system'));
    for (let i = 0; i < 25; i++) await frank.md.sendText(c.channelId, `m${i}`);
    const first = await frank.md.loadMessages(c.channelId, { limit: 10 });
    expect(first.messages.map((m) => m.text)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `m${i + 15}`));
    expect(first.hasMore).to.equal(true);
    const oldest = first.messages[0];
    const second = await frank.md.loadMessages(c.channelId, { limit: 10, before: { sentAt: oldest?.sentAt ?? 0, id: oldest?.id ?? '' } });
    expect(second.messages.map((m) => m.text)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `m${i + 5}`));
    const o2 = second.messages[0];
    const third = await frank.md.loadMessages(c.channelId, { limit: 10, before: { sentAt: o2?.sentAt ?? 0, id: o2?.id ?? '' } });
    expect(third.messages.filter((m) => m.kind === 'text').map((m) => m.text)).to.deep.equal(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(third.hasMore).to.equal(false);
    void (undefined as unknown as Meshdrop);
  });

  it('file messages: the sender announces a FileMeta, the receiver gets a file-message event', async () => {
    const gil = await newUser('Gil');
    const hal = await newUser('Hal');
    const c = await hal.md.acceptInviteLink(await gil.md.createInviteLink());
    await waitFor('Gil has Hal', async () => (await gil.md.listContacts()).length === 1);
    const arrived: MessageRecord[] = [];
    hal.md.addEventListener('file-message', (e) => arrived.push((e as CustomEvent<MessageRecord>).detail));
    const meta: FileMeta = { fileId: 'ab'.repeat(16), name: 'photo.jpg', size: 1234, type: 'image/jpeg', sha256: 'x'.repeat(44), key: 'k'.repeat(43), chunkSize: 262144, chunkCount: 1 };
    const sent = await gil.md.sendFileMessage(c.channelId, meta);
    expect(sent.kind).to.equal('file');
    const got = await waitFor('file message event', () => arrived[0]);
    expect(got.file).to.deep.equal(meta);
    expect(got.id).to.equal(sent.id);
    expect((await hal.md.getChannel(c.channelId))?.lastMessagePreview).to.equal('📎 photo.jpg');
    const err = await rejection(gil.md.sendFileMessage(c.channelId, { ...meta, fileId: 'not hex' }));
    expect(err.message).to.match(/invalid/);
  });
});
