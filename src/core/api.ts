/**
 * The contract between the UI (src/ui) and the app controller (src/core/meshdrop.ts).
 * The UI only ever sees these types; it never touches GUN, IndexedDB or WebCrypto.
 */
import type { ConnectionStatus } from '../sync/relay-connection.js';
import type { PushStatus } from './push-service.js';
import type { ChannelRecord, FileRecord, FileStatus, IdentityRecord, MessageRecord } from '../store/schema.js';

export interface ContactView {
  pub: string;
  name: string;
  /** Fingerprint of both parties' keys, as 12 groups of 5 digits; identical on both devices. */
  safetyNumber: string;
  channelId: string;
  verified: boolean;
}

export interface MemberView {
  pub: string;
  name: string;
}

export interface ChannelSummary {
  id: string;
  kind: ChannelRecord['kind'];
  title: string;
  members: MemberView[];
  admin: string;
  isAdmin: boolean;
  unread: number;
  lastMessageAt: number;
  /** Plain text, never HTML. */
  lastMessagePreview: string;
  closed: boolean;
  /** No notifications for this chat on this device. */
  muted?: boolean;
}

export interface MessageView extends MessageRecord {
  mine: boolean;
  authorName: string;
  /** A reply: the quoted message as this device has it (snippet taken from the local original). */
  quote?: QuoteView;
  /** Reactions grouped by emoji, with who reacted. */
  reactionSummary?: ReactionView[];
  /** My message: names of the members who have seen it (empty or absent: nobody yet, or receipts are off). */
  seenBy?: string[];
}

/** The message a reply quotes. */
export interface QuoteView {
  id: string;
  authorName: string;
  /** Plain-text snippet (never HTML); empty when the original is missing or deleted. */
  text: string;
  state: 'ok' | 'deleted' | 'missing';
}

/** One emoji's reactions on a message. */
export interface ReactionView {
  emoji: string;
  count: number;
  names: string[];
  /** True when one of them is mine. */
  mine: boolean;
}

/** A search result: a message in some chat, with the match split out for highlighting (plain text). */
export interface SearchResult {
  channelId: string;
  channelTitle: string;
  message: MessageView;
  before: string;
  match: string;
  after: string;
}

/** A page around one message (search results, quotes): history may continue on both sides. */
export interface MessagePageAround extends MessagePage {
  hasNewer: boolean;
}

/** A page of history, oldest first. `hasMore` tells whether older messages exist. */
export interface MessagePage {
  messages: MessageView[];
  hasMore: boolean;
}

/** A position in a chat: the message's order key (core/order.ts); without one, its send time and id place it. */
export interface PageCursor {
  sentAt: number;
  id: string;
  order?: string;
}

export interface FileProgress {
  fileId: string;
  messageId: string;
  channelId: string;
  doneChunks: number;
  chunkCount: number;
  doneBytes: number;
  size: number;
  status: FileStatus;
  error: string;
}

/** Events the controller dispatches (all CustomEvents on the controller). */
export interface MeshdropEventMap {
  /** Identity or connection status changed. */
  change: Event;
  /** The contact list changed. */
  contacts: Event;
  /** The chat list changed (new chat, unread count, last message). */
  channels: Event;
  /** Messages in a channel were added or changed status. */
  messages: CustomEvent<{ channelId: string; messages: MessageView[] }>;
  /** A file transfer made progress. */
  'file-progress': CustomEvent<FileProgress>;
}

/** Opt-in Web Push through the relays (src/core/push-service.ts); emits 'change' when its status changes. */
export interface PushControls extends EventTarget {
  status(): PushStatus;
  /** Asks for notification permission, subscribes, registers with every relay; failures are in the status. */
  enable(): Promise<PushStatus>;
  /** Removes this device's registration from every relay and unsubscribes. */
  disable(): Promise<PushStatus>;
}

export interface MeshdropApi extends EventTarget {
  readonly identity: IdentityRecord | undefined;
  readonly status: ConnectionStatus;

  // identity (foundation)
  createIdentity(name: string): Promise<IdentityRecord>;
  exportBackup(passphrase: string): Promise<string>;
  importBackup(text: string, passphrase: string, options: { replace: boolean }): Promise<IdentityRecord>;

  // relays
  /** Relays this device keeps a connection to. */
  readonly relays: readonly string[];
  /** Validates and stores a new relay list (effective on next start); throws with a user-facing message. */
  setRelays(inputs: string[]): Promise<string[]>;

  // contacts
  listContacts(): Promise<ContactView[]>;
  /** A link (on this app's origin) that lets its holder send me a contact request, even while I am offline. */
  createInviteLink(): Promise<string>;
  /** Accepts a link created by someone else. Throws an Error with a user-facing message on a bad link. */
  acceptInviteLink(link: string): Promise<ContactView>;
  setContactVerified(pub: string, verified: boolean): Promise<void>;

  // chats
  listChannels(): Promise<ChannelSummary[]>;
  getChannel(channelId: string): Promise<ChannelSummary | undefined>;
  /** Newest `limit` messages before `before` (or the newest overall), oldest first. Reads IndexedDB only. */
  loadMessages(channelId: string, options: { before?: PageCursor; limit: number }): Promise<MessagePage>;
  /** Stores the message locally at once (status "pending") and sends it when a relay is reachable. */
  sendText(channelId: string, text: string): Promise<MessageView>;
  markRead(channelId: string): Promise<void>;

  // conversation (reply, reactions, edit, delete, seen receipts, search)
  /** Sends a text answering message `replyTo` of the same chat. */
  sendReply(channelId: string, text: string, replyTo: string): Promise<MessageView>;
  /** Sets my reaction on a message; an empty emoji removes it. */
  react(channelId: string, messageId: string, emoji: string): Promise<void>;
  /** Replaces the text of one of my text messages (shown as "edited" on every device). */
  editMessage(channelId: string, messageId: string, text: string): Promise<void>;
  /** Deletes my message (or, as group admin, any message) for every member. */
  deleteForEveryone(channelId: string, messageId: string): Promise<void>;
  /** Removes a message from this device only. */
  deleteForMe(channelId: string, messageId: string): Promise<void>;
  /** Searches every chat's local history, newest first. */
  searchMessages(query: string): Promise<SearchResult[]>;
  /** The page of a chat around one message (to show a search result or a quoted message in context). */
  loadMessagesAround(channelId: string, messageId: string, limit: number): Promise<MessagePageAround | undefined>;
  /** Whether seen receipts are sent and shown (a setting; default on). */
  readonly seenReceipts: boolean;
  setSeenReceipts(on: boolean): Promise<void>;

  // groups
  createGroup(title: string, memberPubs: string[]): Promise<ChannelSummary>;
  addGroupMembers(channelId: string, pubs: string[]): Promise<void>;
  /** Admin only: removes a member and rotates the group key so they cannot read later messages. */
  removeGroupMember(channelId: string, pub: string): Promise<void>;
  leaveGroup(channelId: string): Promise<void>;

  // files
  readonly maxFileBytes: number;
  /** Sets the per-file limit for sending and receiving (default 2 GB); rejects with a user-facing message if out of range. */
  setMaxFileBytes(bytes: number): Promise<void>;
  /** Validates every file first (size limit) and throws with a clear message before anything is sent. */
  sendFiles(channelId: string, files: File[]): Promise<void>;
  getFile(fileId: string): Promise<FileRecord | undefined>;
  /** Files shared into the app through the share target, waiting for the user to pick a chat. */
  pendingShares(): Promise<{ id: string; files: { name: string; type: string; size: number }[] }[]>;
  sendShare(shareId: string, channelId: string): Promise<void>;

  // push (optional so test doubles need not implement it)
  readonly push?: PushControls;
}
