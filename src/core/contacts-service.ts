import type { MeshdropDatabase } from '../store/db.js';
import { addContactIfNew, getContact, listContacts, updateContact } from '../store/contacts-store.js';
import { getChannel, putChannel, updateChannel } from '../store/channels-store.js';
import { getSetting, setSetting } from '../store/settings-store.js';
import type { ChannelRecord, ContactRecord, IdentityRecord } from '../store/schema.js';
import type { Outbox } from '../sync/outbox.js';
import type { Subscriptions } from '../sync/subscriptions.js';
import { INBOX_SOUL_PREFIX } from '../sync/user-space.js';
import type { ChatEvents } from './chat-events.js';
import type { ChatService, SystemInner } from './chat-service.js';
import { newChannelRecord } from './channels.js';
import { randomId, sharedSecret } from './crypto.js';
import { directChannelId } from './ids.js';
import { validateDisplayName } from './identity.js';
import { encodeInviteLink, InviteError, openContactRequest, parseInviteLink, sealContactRequest, type InvitePayload } from './invite.js';

const OPEN_INVITES_SETTING = 'openInvites';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Contacts: invite links, contact requests through content-addressed inboxes, and the 1:1 channel
 * created for every contact.
 */
export class ContactsService {
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly db: MeshdropDatabase,
    private readonly me: IdentityRecord,
    private readonly outbox: Outbox,
    private readonly subs: Subscriptions,
    private readonly chat: ChatService,
    private readonly events: ChatEvents,
  ) {}

  /** Subscribes to the inbox of every invite I have handed out, so requests arrive even after a restart. */
  async start(): Promise<void> {
    for (const inbox of (await getSetting(this.db, OPEN_INVITES_SETTING, isStringArray)) ?? []) this.watchInbox(inbox);
  }

  async createInviteLink(origin: string): Promise<string> {
    const inbox = randomId(16);
    const open = (await getSetting(this.db, OPEN_INVITES_SETTING, isStringArray)) ?? [];
    await setSetting(this.db, OPEN_INVITES_SETTING, [...open, inbox]);
    this.watchInbox(inbox);
    const payload: InvitePayload = { v: 1, pub: this.me.pair.pub, epub: this.me.pair.epub, name: this.me.name, inbox };
    return encodeInviteLink(payload, origin);
  }

  /** Adds the inviter as a contact at once and queues the request for them (delivered when they are online). */
  async acceptInviteLink(link: string): Promise<ContactRecord> {
    const invite = parseInviteLink(link);
    if (invite.pub === this.me.pair.pub) throw new InviteError('This is your own invite link. Send it to the person you want to add.');
    const { key, value } = await sealContactRequest(invite, this.me);
    await this.outbox.enqueue({ id: `inbox:${key}`, path: [INBOX_SOUL_PREFIX + invite.inbox, key], value, messageId: '' });
    const { contact } = await this.addContact({ pub: invite.pub, epub: invite.epub, name: invite.name });
    return contact;
  }

  stop(): void {
    this.stopped = true;
  }

  list(): Promise<ContactRecord[]> {
    return listContacts(this.db);
  }

  async setVerified(pub: string, verified: boolean): Promise<void> {
    if (!(await updateContact(this.db, pub, (c) => (c.verified = verified)))) throw new Error('There is no such contact.');
    this.events.contacts();
  }

  private watchInbox(inbox: string): void {
    this.subs.ensure(`i|${inbox}`, '', [INBOX_SOUL_PREFIX + inbox], (value) => {
      if (typeof value !== 'string' || value.length > 16 * 1024) return;
      this.queue = this.queue
        .then(() => (this.stopped ? undefined : this.onRequest(inbox, value)))
        .catch((err: unknown) => {
          if (!this.stopped) console.debug('meshdrop contacts: dropped a request', err);
        });
    });
  }

  private async onRequest(inbox: string, value: string): Promise<void> {
    const request = await openContactRequest(value, inbox, this.me.pair);
    if (!request || request.pub === this.me.pair.pub) return;
    if (await getContact(this.db, request.pub)) return;
    // The profile goes into the (durable) outbox before the contact is stored: if the app stops in
    // between, the request is simply processed again on the next start.
    const channel = await this.ensureDirectChannel(request);
    const id = await this.chat.sendSystem(channel, { type: 'profile', name: this.me.name });
    const { contact, added } = await this.addContact(request);
    if (added) await this.chat.addNote(channel.id, id, `${contact.name} accepted your invite. You are now connected.`);
  }

  private async ensureDirectChannel(who: { pub: string; epub: string; name: string }): Promise<ChannelRecord> {
    const secret = await sharedSecret(who.epub, this.me.pair);
    const channelId = await directChannelId(secret);
    const existing = await getChannel(this.db, channelId);
    if (existing) return existing;
    const channel = newChannelRecord({ id: channelId, kind: 'direct', title: who.name, members: [who.pub], admin: '', key: { epoch: 0, key: secret } });
    await putChannel(this.db, channel);
    return channel;
  }

  /** Creates the contact and its 1:1 channel if new (channel first, so a stored contact always has one). */
  private async addContact(who: { pub: string; epub: string; name: string }): Promise<{ contact: ContactRecord; added: boolean }> {
    const channel = await this.ensureDirectChannel(who);
    const result = await addContactIfNew(this.db, { pub: who.pub, epub: who.epub, name: who.name, addedAt: Date.now(), channelId: channel.id, verified: false });
    this.chat.watchChannel(channel);
    if (result.added) {
      this.events.contacts();
      this.events.channels();
    }
    return result;
  }

  /** The inviter's first message in a new 1:1 channel: the invitee learns the request arrived. */
  async onProfile(channel: ChannelRecord, inner: SystemInner): Promise<void> {
    if (channel.kind !== 'direct' || inner.body.type !== 'profile') return;
    let name: string;
    try {
      name = validateDisplayName(inner.body.name);
    } catch {
      return;
    }
    const contact = await getContact(this.db, inner.author);
    if (!contact) return;
    if (contact.name !== name) {
      await updateContact(this.db, contact.pub, (c) => (c.name = name));
      await updateChannel(this.db, channel.id, (c) => (c.title = name));
      this.events.contacts();
    }
    await this.chat.addNote(channel.id, inner.id, `${name} received your request. You are now connected.`, inner.sentAt);
  }
}
