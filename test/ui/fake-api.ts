// An in-memory stand-in for the controller, for UI component tests only: the UI layer is tested against the
// MeshdropApi contract; the real controller is exercised by the e2e tests.
import type { ChannelSummary, ContactView, MeshdropApi, MessagePage, MessagePageAround, MessageView, PageCursor, SearchResult } from '../../src/core/api.js';
import type { ConnectionStatus } from '../../src/sync/relay-connection.js';
import type { FileRecord, IdentityRecord } from '../../src/store/schema.js';
import { compareMessages } from '../../src/ui/messages-window.js';

export const ME = 'pub-me';

export function makeMessage(i: number, over: Partial<MessageView> = {}): MessageView {
  return {
    id: `${(1_700_000_000_000 + i * 1000).toString(36).padStart(9, '0')}${i.toString(16).padStart(12, '0')}`,
    channelId: 'c1',
    author: i % 2 ? 'pub-bob' : ME,
    sentAt: 1_700_000_000_000 + i * 1000,
    kind: 'text',
    text: `message ${i}`,
    status: i % 2 ? 'received' : 'delivered',
    receivedAt: 1_700_000_000_000 + i * 1000,
    mine: i % 2 === 0,
    authorName: i % 2 ? 'Bob' : 'Me',
    ...over,
  };
}

export function makeChannel(over: Partial<ChannelSummary> = {}): ChannelSummary {
  return {
    id: 'c1',
    kind: 'direct',
    title: 'Bob',
    members: [{ pub: 'pub-bob', name: 'Bob' }],
    admin: '',
    isAdmin: false,
    unread: 0,
    lastMessageAt: 1_700_000_000_000,
    lastMessagePreview: 'hello',
    closed: false,
    ...over,
  };
}

export class FakeApi extends EventTarget implements MeshdropApi {
  identity: IdentityRecord | undefined = {
    pair: { pub: ME, priv: 'x', epub: 'e', epriv: 'y' },
    name: 'Me',
    createdAt: 1,
  };
  status: ConnectionStatus = { state: 'connected', connected: 1, configured: 1 };
  channels: ChannelSummary[] = [makeChannel()];
  contacts: ContactView[] = [{ pub: 'pub-bob', name: 'Bob', safetyNumber: '12345 '.repeat(12).trim(), channelId: 'c1', verified: false }];
  messages = new Map<string, MessageView[]>();
  calls: { method: string; args: unknown[] }[] = [];
  readonly maxFileBytes = 1024;
  failSend = false;
  relays: readonly string[] = ['http://127.0.0.1:1/gun'];

  async setRelays(inputs: string[]): Promise<string[]> {
    this.log('setRelays', inputs);
    this.relays = inputs;
    return inputs;
  }

  private log(method: string, ...args: unknown[]) {
    this.calls.push({ method, args });
  }

  emitMessages(channelId: string, messages: MessageView[]) {
    const list = this.messages.get(channelId) ?? [];
    for (const m of messages) {
      const i = list.findIndex((x) => x.id === m.id);
      if (i >= 0) list[i] = m;
      else list.push(m);
    }
    list.sort(compareMessages);
    this.messages.set(channelId, list);
    this.dispatchEvent(new CustomEvent('messages', { detail: { channelId, messages } }));
  }

  async createIdentity(name: string): Promise<IdentityRecord> {
    this.identity = { pair: { pub: ME, priv: 'x', epub: 'e', epriv: 'y' }, name, createdAt: 1 };
    this.dispatchEvent(new Event('change'));
    return this.identity;
  }
  async exportBackup(): Promise<string> {
    return '{}';
  }
  async importBackup(): Promise<IdentityRecord> {
    throw new Error('not in fake');
  }
  async listContacts() {
    return this.contacts;
  }
  async createInviteLink() {
    this.log('createInviteLink');
    return `${location.origin}/#invite=abc`;
  }
  async acceptInviteLink(link: string): Promise<ContactView> {
    this.log('acceptInviteLink', link);
    if (!link.includes('#invite=')) throw new Error('This is not a Meshdrop invite link.');
    return { pub: 'pub-carol', name: 'Carol', safetyNumber: '1', channelId: 'c2', verified: false };
  }
  async setContactVerified(pub: string, verified: boolean) {
    this.log('setContactVerified', pub, verified);
  }
  async listChannels() {
    return this.channels;
  }
  async getChannel(id: string) {
    return this.channels.find((c) => c.id === id);
  }
  async loadMessages(channelId: string, options: { before?: PageCursor; limit: number }): Promise<MessagePage> {
    this.log('loadMessages', channelId, options);
    const all = this.messages.get(channelId) ?? [];
    const before = options.before;
    const end = before ? all.findIndex((m) => compareMessages(m, before) >= 0) : all.length;
    const stop = end < 0 ? all.length : end;
    const start = Math.max(0, stop - options.limit);
    return { messages: all.slice(start, stop), hasMore: start > 0 };
  }
  async sendText(channelId: string, text: string): Promise<MessageView> {
    this.log('sendText', channelId, text);
    if (this.failSend) throw new Error('Storage is full');
    const m = makeMessage(1_000_000, { channelId, text, mine: true, author: ME, authorName: 'Me', status: 'pending', sentAt: Date.now() });
    this.emitMessages(channelId, [m]);
    return m;
  }
  async markRead(channelId: string) {
    this.log('markRead', channelId);
  }
  async createGroup(title: string, members: string[]): Promise<ChannelSummary> {
    this.log('createGroup', title, members);
    const ch = makeChannel({ id: 'g1', kind: 'group', title, admin: ME, isAdmin: true });
    this.channels = [...this.channels, ch];
    return ch;
  }
  async addGroupMembers(channelId: string, pubs: string[]) {
    this.log('addGroupMembers', channelId, pubs);
  }
  async removeGroupMember(channelId: string, pub: string) {
    this.log('removeGroupMember', channelId, pub);
  }
  async leaveGroup(channelId: string) {
    this.log('leaveGroup', channelId);
  }
  async sendFiles() {}
  async getFile(): Promise<FileRecord | undefined> {
    return undefined;
  }
  async pendingShares() {
    return [];
  }
  async sendShare() {}

  // conversation
  seenReceipts = true;
  searchResults: SearchResult[] = [];
  async sendReply(channelId: string, text: string, replyTo: string): Promise<MessageView> {
    this.log('sendReply', channelId, text, replyTo);
    const m = makeMessage(1_000_001, { channelId, text, replyTo, mine: true, author: ME, authorName: 'Me', status: 'pending', sentAt: Date.now() });
    this.emitMessages(channelId, [m]);
    return m;
  }
  async react(channelId: string, messageId: string, emoji: string) {
    this.log('react', channelId, messageId, emoji);
  }
  async editMessage(channelId: string, messageId: string, text: string) {
    this.log('editMessage', channelId, messageId, text);
  }
  async deleteForEveryone(channelId: string, messageId: string) {
    this.log('deleteForEveryone', channelId, messageId);
  }
  async deleteForMe(channelId: string, messageId: string) {
    this.log('deleteForMe', channelId, messageId);
  }
  async searchMessages(query: string): Promise<SearchResult[]> {
    this.log('searchMessages', query);
    return this.searchResults;
  }
  async loadMessagesAround(channelId: string, messageId: string, limit: number): Promise<MessagePageAround | undefined> {
    this.log('loadMessagesAround', channelId, messageId, limit);
    const all = this.messages.get(channelId) ?? [];
    const i = all.findIndex((m) => m.id === messageId);
    if (i < 0) return undefined;
    const half = Math.floor(limit / 2);
    const start = Math.max(0, i - half);
    const end = Math.min(all.length, i + half + 1);
    return { messages: all.slice(start, end), hasMore: start > 0, hasNewer: end < all.length };
  }
  async setSeenReceipts(on: boolean) {
    this.log('setSeenReceipts', on);
    this.seenReceipts = on;
  }
}

/** Waits until a condition holds (components update asynchronously). */
export async function until(cond: () => boolean, what = 'condition', timeout = 5000): Promise<void> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function mount<T extends HTMLElement>(el: T): Promise<T> {
  document.body.append(el);
  await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  return el;
}

export const XSS = '<img src=x onerror="window.__pwned=1">';
