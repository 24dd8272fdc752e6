import { openMeshdropDB, type MeshdropDatabase } from '../store/db.js';
import { loadIdentity, saveIdentity } from '../store/identity-store.js';
import { removeAccount, replaceAccount } from '../store/account-store.js';
import { getSetting, setSetting } from '../store/settings-store.js';
import type { IdentityRecord } from '../store/schema.js';
import { RelayConnection, type ConnectionStatus } from '../sync/relay-connection.js';
import { createIdentity, exportIdentityBackup, IdentityError, openBackup } from './identity.js';
import { DevicesController } from './devices-controller.js';
import type { DeviceLinkRequestView, DeviceView } from './devices-service.js';
import type { DevicesApi } from './devices-api.js';
import { historyCatchUp, historyPage, historyRefetch } from './history-refetch.js';
import { normaliseRelayList, relaysInUse, RELAYS_SETTING } from './relays.js';
import type { ChannelSummary, ContactView, MeshdropApi, MessagePage, MessagePageAround, MessageView, PageCursor, SearchResult } from './api.js';
import { decorate, toSearchResult } from './conversation-views.js';
import { getMessages, loadPageAround } from '../store/conversation-store.js';
import { SearchIndex } from './search-index.js';
import type { ChatEvents } from './chat-events.js';
import { Session } from './session.js';
import { NameBook, toChannelSummary, toContactView, toMessageView } from './views.js';
import { listContacts } from '../store/contacts-store.js';
import { getChannel, listChannels, updateChannel } from '../store/channels-store.js';
import { DEFAULT_PREFERENCES, PREFERENCES_SETTING, readPreferences, type Preferences } from './preferences.js';
import { NOTIFICATION_WORDS_SETTING, type StoredNotificationWords } from './notifier.js';
import { latestMessage } from '../store/messages-store.js';
import type { ChannelRecord, FileMeta, MessageRecord } from '../store/schema.js';
import { FileService, type PendingShare } from './file-service.js';
import { GunChunkNetwork } from '../sync/chunk-network.js';
import { HttpBlobNetwork } from '../sync/blob-network.js';
import type { FileProgress } from './api.js';
import type { FileRecord } from '../store/schema.js';
import { PushService } from './push-service.js';

export interface MeshdropOptions {
  /** Relays to use when the user has not configured any. */
  defaultRelays: string[];
  dbName?: string;
  /** Origin that invite links point to (default: this page's origin). */
  origin?: string;
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * The app's controller: the single object the UI talks to. It owns local storage and the relay
 * connection, delegates contacts/chats/groups to a Session (see session.ts), and emits 'change',
 * 'contacts', 'channels' and 'messages' (api.ts). Internal event for the file service:
 * 'file-message' (CustomEvent<MessageRecord>) when a file message from someone else arrives.
 */
export class Meshdrop extends EventTarget implements MeshdropApi, DevicesApi {
  private active: Session | undefined;
  private starting: Promise<void> = Promise.resolve();
  /** Local history search (in memory, kept current from message events; see search-index.ts). */
  private searchIndex = new SearchIndex(async () => this.db.getAll('messages'));
  /** File drop (src/core/file-service.ts); set in open(). */
  files!: FileService;
  /** Web Push through the relays (src/core/push-service.ts); set in open(). */
  push!: PushService;
  /** Linked devices (devices-controller.ts). */
  private readonly devicesCtl = new DevicesController(this);
  private prefs: Preferences = DEFAULT_PREFERENCES;

  private constructor(
    readonly db: MeshdropDatabase,
    readonly connection: RelayConnection,
    private current: IdentityRecord | undefined,
    private readonly origin: string,
  ) {
    super();
    connection.addEventListener('status', () => this.changed());
    if (current) this.startSession(current);
  }

  static async open(options: MeshdropOptions): Promise<Meshdrop> {
    const db = await openMeshdropDB(options.dbName);
    const relays = relaysInUse(await getSetting(db, RELAYS_SETTING, isStringArray), options.defaultRelays);
    const identity = await loadIdentity(db);
    const origin = options.origin ?? globalThis.location?.origin ?? '';
    const md = new Meshdrop(db, new RelayConnection(relays), identity, origin);
    md.prefs = readPreferences(await db.get('settings', PREFERENCES_SETTING));
    await md.starting;
    await md.openFiles();
    md.push = new PushService(db, () => md.relays);
    md.addEventListener('channels', () => md.push.channelsChanged());
    if (identity) await md.push.start();
    return md;
  }

  private readonly events: ChatEvents = {
    messages: (channelId, records) => {
      this.searchIndex.update(records);
      void this.emitMessages(channelId, records).catch(() => undefined); // db may be closing
    },
    channels: () => this.dispatchEvent(new Event('channels')),
    contacts: () => this.dispatchEvent(new Event('contacts')),
    fileMessage: (record) => this.dispatchEvent(new CustomEvent<MessageRecord>('file-message', { detail: record })),
  };

  private startSession(identity: IdentityRecord): void {
    this.active?.stop();
    const session = new Session(this.db, this.connection, identity, this.events, this.devicesCtl.hooks);
    session.conversation.onFileDeleted = (fileId) => this.files?.discard(fileId) ?? Promise.resolve();
    // A gap in an author's sequence is asked of every relay's HTTP history (a GUN get when none has it).
    session.chat.setRefetch(historyRefetch(() => this.connection.relayUrls, session.chat.gunRefetch));
    // A returning device reads what came while it was away over the same endpoint (ChatService.watchAuthor).
    session.chat.setCatchUp(historyCatchUp(() => this.connection.relayUrls));
    // A chat never read here is paged in newest first, older pages as the user scrolls (core/older-history.ts).
    session.chat.setPager(historyPage(() => this.connection.relayUrls));
    this.active = session;
    this.searchIndex = new SearchIndex(async () => this.db.getAll('messages'));
    this.starting = session.start().catch((err: unknown) => console.error('meshdrop: could not start the session', err));
    // Read the history for search when the page is idle, so the first search is as fast as later ones.
    const index = this.searchIndex;
    void this.starting.then(() => globalThis.requestIdleCallback?.(() => void index.warm().catch(() => undefined), { timeout: 10_000 }));
  }

  /** The signed-in session (GUN space, outbox, chat service) for internal services such as files. */
  async session(): Promise<Session> {
    await this.starting;
    if (!this.active) throw new IdentityError('Create or import an identity first.');
    return this.active;
  }

  private async emitMessages(channelId: string, records: MessageRecord[]): Promise<void> {
    const me = this.current;
    if (!me) return;
    // One read transaction for both: this runs for every incoming message and status change.
    const tx = this.db.transaction(['contacts', 'channels'], 'readonly');
    const [contacts, channel] = await Promise.all([tx.objectStore('contacts').getAll(), tx.objectStore('channels').get(channelId), tx.done]);
    const names = new NameBook(me, contacts);
    const messages = await this.decorated(records.map((m) => toMessageView(m, me, names, channel)), names, channel);
    this.dispatchEvent(new CustomEvent<{ channelId: string; messages: MessageView[] }>('messages', { detail: { channelId, messages } }));
  }

  private async openFiles(): Promise<void> {
    const net = new GunChunkNetwork(this.connection.gun, async () => (await this.session()).space, () => this.connection.status.state === 'connected');
    // File chunks go to the blob stores of the same relays GUN syncs through (their http base, see blob-network.ts).
    const blobs = new HttpBlobNetwork(() => this.connection.relayUrls);
    this.files = await FileService.open(this.db, net, () => this.current?.pair.pub, {}, blobs);
    this.files.useMessenger(this);
    this.addEventListener('file-message', (e) => void this.files.receive((e as CustomEvent<MessageRecord>).detail));
    this.files.addEventListener('file-progress', (e) => {
      this.dispatchEvent(new CustomEvent<FileProgress>('file-progress', { detail: (e as CustomEvent<FileProgress>).detail }));
    });
    this.connection.addEventListener('status', () => {
      if (this.connection.status.state === 'connected') void this.files.reconnected();
      else net.abortPending('The connection to the relays was lost');
    });
    void this.files.resume();
  }

  // --- files: delegated to FileService ---
  get maxFileBytes(): number {
    return this.files.maxFileBytes;
  }

  /** Sets the largest file this device sends and accepts; throws with a user-facing message when out of range. */
  async setMaxFileBytes(bytes: number): Promise<void> {
    await this.files.setMaxFileBytes(bytes);
    this.changed();
  }

  sendFiles(channelId: string, files: File[]): Promise<void> {
    return this.files.sendFiles(channelId, files);
  }

  getFile(fileId: string): Promise<FileRecord | undefined> {
    return this.files.getFile(fileId);
  }

  pendingShares(): Promise<PendingShare[]> {
    return this.files.pendingShares();
  }

  sendShare(shareId: string, channelId: string): Promise<void> {
    return this.files.sendShare(shareId, channelId);
  }

  discardShare(shareId: string): Promise<void> {
    return this.files.discardShare(shareId);
  }

  get identity(): IdentityRecord | undefined {
    return this.current;
  }

  get status(): ConnectionStatus {
    return this.connection.status;
  }

  async createIdentity(name: string): Promise<IdentityRecord> {
    if (this.current) throw new IdentityError('This device already has an identity.');
    const identity = await createIdentity(name);
    await saveIdentity(this.db, identity);
    this.current = identity;
    this.startSession(identity);
    await this.starting;
    this.changed();
    return identity;
  }

  async exportBackup(passphrase: string): Promise<string> {
    if (!this.current) throw new IdentityError('There is no identity to back up yet.');
    return exportIdentityBackup(this.current, passphrase, await (await this.session()).devices.collect());
  }

  /**
   * Restores an identity from a backup. Decryption happens before anything is written, so a
   * wrong passphrase or a damaged file leaves the stored identity untouched.
   */
  async importBackup(text: string, passphrase: string, options: { replace: boolean }): Promise<IdentityRecord> {
    const { identity, state: rawState } = await openBackup(text, passphrase);
    const state = this.devicesCtl.backupState(rawState);
    if (this.current && this.current.pair.pub !== identity.pair.pub && !options.replace) {
      throw new IdentityError('This device already has a different identity. Confirm replacing it first.');
    }
    const samePerson = this.current?.pair.pub === identity.pair.pub;
    if (this.current && !samePerson) {
      // Another person's keys: the old identity's contacts and chats must not mix with the new one's.
      this.active?.stop();
      this.active = undefined;
      await replaceAccount(this.db, identity);
    } else {
      await saveIdentity(this.db, identity);
    }
    // Contacts and chats go in before the session starts, so it subscribes to every chat (history replays).
    if (state) {
      this.active?.stop();
      this.active = undefined;
      await this.devicesCtl.restore(state);
    }
    this.current = identity;
    if (!samePerson || state) this.startSession(identity);
    await this.starting;
    this.changed();
    return identity;
  }

  // contacts

  async listContacts(): Promise<ContactView[]> {
    const s = await this.session();
    const contacts = await s.contacts.list();
    contacts.sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(contacts.map((c) => toContactView(c, s.identity)));
  }

  async createInviteLink(): Promise<string> {
    return (await this.session()).contacts.createInviteLink(this.origin);
  }

  async acceptInviteLink(link: string): Promise<ContactView> {
    const s = await this.session();
    return toContactView(await s.contacts.acceptInviteLink(link), s.identity);
  }

  async setContactVerified(pub: string, verified: boolean): Promise<void> {
    await (await this.session()).contacts.setVerified(pub, verified);
  }

  // chats

  private async summaries(channels: ChannelRecord[]): Promise<ChannelSummary[]> {
    const s = await this.session();
    const names = new NameBook(s.identity, await listContacts(this.db));
    return Promise.all(channels.map(async (c) => toChannelSummary(c, s.identity, names, await latestMessage(this.db, c.id))));
  }

  /** Every chat, most recent activity first. */
  async listChannels(): Promise<ChannelSummary[]> {
    const list = await this.summaries(await listChannels(this.db));
    return list.sort((a, b) => b.lastMessageAt - a.lastMessageAt);
  }

  /** Unread messages over all chats (for the app badge; reads only the chat records). */
  async unreadTotal(): Promise<number> {
    return (await listChannels(this.db)).reduce((n, c) => n + c.unread, 0);
  }

  async getChannel(channelId: string): Promise<ChannelSummary | undefined> {
    const c = await getChannel(this.db, channelId);
    return c ? (await this.summaries([c]))[0] : undefined;
  }

  async loadMessages(channelId: string, options: { before?: PageCursor; limit: number }): Promise<MessagePage> {
    const s = await this.session();
    const page = await s.chat.loadPage(channelId, options.before, options.limit);
    const names = new NameBook(s.identity, await listContacts(this.db));
    const channel = await getChannel(this.db, channelId);
    const views = page.messages.filter((m) => !m.hidden).map((m) => toMessageView(m, s.identity, names, channel));
    return { messages: await this.decorated(views, names, channel), hasMore: page.hasMore };
  }

  /** Adds quotes, reactions and seen-by to views of one channel (see conversation-views.ts). */
  private async decorated(views: MessageView[], names: NameBook, channel: ChannelRecord | undefined): Promise<MessageView[]> {
    const s = this.active;
    if (!s || !channel || views.length === 0) return views;
    const quoted = [...new Set(views.flatMap((v) => (v.replyTo ? [v.replyTo] : [])))];
    const originals = new Map((await getMessages(this.db, quoted)).map((m) => [m.id, m]));
    const seen = await s.conversation.seenBy(channel.id, views);
    return decorate(views, originals, seen, s.identity, names, channel);
  }

  async loadMessagesAround(channelId: string, messageId: string, limit: number): Promise<MessagePageAround | undefined> {
    const s = await this.session();
    const page = await loadPageAround(this.db, channelId, messageId, Math.max(1, Math.min(Math.floor(limit / 2), 250)));
    if (!page) return undefined;
    const names = new NameBook(s.identity, await listContacts(this.db));
    const channel = await getChannel(this.db, channelId);
    const views = page.messages.filter((m) => !m.hidden).map((m) => toMessageView(m, s.identity, names, channel));
    return { messages: await this.decorated(views, names, channel), hasMore: page.hasMore, hasNewer: page.hasNewer };
  }

  async sendReply(channelId: string, text: string, replyTo: string): Promise<MessageView> {
    const s = await this.session();
    const record = await s.chat.sendReply(channelId, text, replyTo);
    const names = new NameBook(s.identity, await listContacts(this.db));
    return (await this.decorated([toMessageView(record, s.identity, names)], names, await getChannel(this.db, channelId)))[0]!;
  }

  async react(channelId: string, messageId: string, emoji: string): Promise<void> {
    await (await this.session()).conversation.react(channelId, messageId, emoji);
  }

  async editMessage(channelId: string, messageId: string, text: string): Promise<void> {
    await (await this.session()).conversation.edit(channelId, messageId, text);
  }

  async deleteForEveryone(channelId: string, messageId: string): Promise<void> {
    await (await this.session()).conversation.deleteForEveryone(channelId, messageId);
  }

  async deleteForMe(channelId: string, messageId: string): Promise<void> {
    await (await this.session()).conversation.deleteForMe(channelId, messageId);
  }

  async searchMessages(query: string): Promise<SearchResult[]> {
    const s = await this.session();
    const q = query.trim();
    if (!q) return [];
    const found = await this.searchIndex.search(q, 50);
    const byId = new Map((await getMessages(this.db, found.map((h) => h.id))).map((m) => [m.id, m]));
    const hits = found.flatMap((h) => {
      const message = byId.get(h.id);
      return message ? [{ message, at: h.at }] : [];
    });
    const contacts = await listContacts(this.db);
    const names = new NameBook(s.identity, contacts);
    const channels = new Map((await listChannels(this.db)).map((c) => [c.id, c]));
    return hits.flatMap((h) => {
      const channel = channels.get(h.message.channelId);
      if (!channel) return [];
      const title = toChannelSummary(channel, s.identity, names, undefined).title;
      return [toSearchResult(h, toMessageView(h.message, s.identity, names, channel), title, q.length)];
    });
  }

  get seenReceipts(): boolean {
    return this.active?.conversation.seenReceipts ?? true;
  }

  async setSeenReceipts(on: boolean): Promise<void> {
    await (await this.session()).conversation.setSeenReceipts(on);
    this.changed();
  }

  async sendText(channelId: string, text: string): Promise<MessageView> {
    const s = await this.session();
    const record = await s.chat.sendText(channelId, text);
    return toMessageView(record, s.identity, new NameBook(s.identity, []));
  }

  /** For the file service: sends a message of kind 'file' announcing `file`. */
  async sendFileMessage(channelId: string, file: FileMeta): Promise<MessageRecord> {
    return (await this.session()).chat.sendFileMessage(channelId, file);
  }

  /** Mutes or unmutes notifications for a chat on this device (stored on the channel record, never sent). */
  async setChannelMuted(channelId: string, muted: boolean): Promise<void> {
    const updated = await updateChannel(this.db, channelId, (c) => void (c.muted = muted));
    if (!updated) throw new Error('This chat is not on this device.');
    this.dispatchEvent(new Event('channels'));
  }

  /** This device's preferences (notification previews, theme, dismissed warnings). */
  get preferences(): Preferences {
    return this.prefs;
  }

  /**
   * Keeps the page's notification words (its UI language) for the service worker, which shows push notifications
   * while no page is open and has no language of its own (sw/push-preview.ts).
   */
  async setNotificationWords(words: StoredNotificationWords): Promise<void> {
    const { newMessageIn, openToRead, sentFile, sentMessage } = words;
    await setSetting(this.db, NOTIFICATION_WORDS_SETTING, { newMessageIn, openToRead, sentFile, sentMessage });
  }

  /** Changes and stores some preferences; emits 'change'. */
  async setPreferences(patch: Partial<Preferences>): Promise<void> {
    const next = readPreferences({ ...this.prefs, ...patch });
    await setSetting(this.db, PREFERENCES_SETTING, next);
    this.prefs = next;
    this.changed();
  }

  async markRead(channelId: string): Promise<void> {
    const s = await this.session();
    await s.chat.markRead(channelId);
    await s.conversation.markSeen(channelId);
  }

  // groups

  async createGroup(title: string, memberPubs: string[]): Promise<ChannelSummary> {
    const s = await this.session();
    const channel = await s.groups.createGroup(title, memberPubs);
    const summary = (await this.summaries([channel]))[0];
    if (!summary) throw new Error('The group could not be created.');
    return summary;
  }

  async addGroupMembers(channelId: string, pubs: string[]): Promise<void> {
    await (await this.session()).groups.addMembers(channelId, pubs);
  }

  async removeGroupMember(channelId: string, pub: string): Promise<void> {
    await (await this.session()).groups.removeMember(channelId, pub);
  }

  async leaveGroup(channelId: string): Promise<void> {
    await (await this.session()).groups.leave(channelId);
  }

  /** Relays this device syncs through (all at once: GUN keeps a socket to each, so losing one is not an outage). */
  get relays(): readonly string[] {
    return this.connection.relayUrls;
  }

  /**
   * Validates and stores the relay list; it takes effect on the next start (the caller reloads).
   * Throws RelayUrlError with a user-facing message and keeps the old list on bad input.
   */
  async setRelays(inputs: string[]): Promise<string[]> {
    const relays = normaliseRelayList(inputs);
    await setSetting(this.db, RELAYS_SETTING, relays);
    return relays;
  }

  // devices: delegated to DevicesController (devices-controller.ts)

  listDevices(): Promise<DeviceView[]> {
    return this.devicesCtl.list();
  }

  pendingDeviceLinkRequests(): Promise<DeviceLinkRequestView[]> {
    return this.devicesCtl.pending();
  }

  renameDevice(name: string): Promise<void> {
    return this.devicesCtl.rename(name);
  }

  unlinkDevice(id: string): Promise<void> {
    return this.devicesCtl.unlink(id);
  }

  createDeviceLink(): Promise<{ link: string; expiresAt: number }> {
    return this.devicesCtl.createLink(this.origin);
  }

  confirmDeviceLink(requestId: string): Promise<void> {
    return this.devicesCtl.confirm(requestId);
  }

  rejectDeviceLink(requestId: string): Promise<void> {
    return this.devicesCtl.reject(requestId);
  }

  /** Device 2: links this fresh profile to the account of the device that made `link`. */
  async linkToAccount(link: string, deviceName: string, onCode: (code: string) => void): Promise<IdentityRecord> {
    if (this.current) throw new IdentityError('This device already has an identity. Linking needs a fresh profile.');
    const identity = await this.devicesCtl.join(link, deviceName, onCode);
    this.current = identity;
    this.startSession(identity);
    await this.starting;
    this.changed();
    return identity;
  }

  /** For the devices controller: this device was unlinked, so the account leaves it. */
  async removeAccountHere(): Promise<void> {
    this.active?.stop();
    this.active = undefined;
    this.current = undefined;
    await removeAccount(this.db);
    this.changed();
  }

  /** For the devices controller: the running session, if any (no waiting). */
  get activeSession(): Session | undefined {
    return this.active;
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  close(): void {
    this.push?.close();
    this.files?.close();
    this.active?.stop();
    this.active = undefined;
    this.connection.close();
    this.db.close();
  }
}
