import type { DBSchema } from 'idb';
import type { SeaPair } from '../types/gun.js';

/** Records kept in IndexedDB. The UI renders from these first, so the app starts instantly offline. */

export interface IdentityRecord {
  pair: SeaPair;
  name: string;
  createdAt: number;
}

export interface ContactRecord {
  pub: string;
  epub: string;
  name: string;
  addedAt: number;
  /** Opaque id of the 1:1 channel with this contact. */
  channelId: string;
  verified: boolean;
}

export interface MemberProfile {
  pub: string;
  epub: string;
  name: string;
}

export interface ChannelKeyRecord {
  epoch: number;
  key: string;
}

export interface ChannelRecord {
  id: string;
  kind: 'direct' | 'group';
  title: string;
  /** Public keys of every member other than me. */
  members: string[];
  /** Group admin; empty for direct channels. */
  admin: string;
  /** Group keys by epoch; a direct channel has one epoch-0 key (the ECDH secret). */
  keys: ChannelKeyRecord[];
  currentEpoch: number;
  createdAt: number;
  lastMessageAt: number;
  lastReadAt: number;
  unread: number;
  /** Set when I left or was removed: no new messages are sent or accepted. */
  closed: boolean;
  /** Group only: keys and names of every member (including me) as the admin announced them. */
  profiles?: MemberProfile[];
  /** Group only: the nonce that binds the channel id to the admin (see core/ids.ts groupChannelId). */
  groupNonce?: string;
  /** Lamport clock of this chat: the largest clock seen or sent here (core/order.ts). */
  clock?: number;
  /** Sequence number of my last message sent from this device, and its id (the next one's `prev`). */
  sendSeq?: number;
  lastSentId?: string;
  /** Per author (pub): the range of their sequence numbers this device holds here (where a gap is asked for). */
  authors?: Record<string, AuthorProgress>;
  /**
   * Devices: read on another device of this account up to this time (from a link, a backup or the self-channel),
   * so history replayed from the relays up to there does not count as unread again.
   */
  readUpTo?: number;
  /** No notifications for the chat (synced to the account's linked devices through the self-channel). */
  muted?: boolean;
}

/** What a device holds of one author's messages in one chat. */
export interface AuthorProgress {
  /** Lowest and highest sequence number stored (0 when none carried one). */
  floor: number;
  top: number;
}

export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'failed' | 'received';

export interface FileMeta {
  fileId: string;
  name: string;
  size: number;
  type: string;
  sha256: string;
  key: string;
  chunkSize: number;
  chunkCount: number;
  /**
   * SHA-256 (base64url, no padding) of each chunk's wire string, in order. Chunks are stored content-addressed
   * under these hashes; absent in files sent before that (their chunks live in the author's signed space).
   */
  chunkHashes?: string[];
  /**
   * 1: the chunks are binary blobs (iv ‖ ciphertext+tag) in the relays' blob stores, named by `chunkHashes`, and
   * `sha256` is the hash of that list (see core/files.ts manifestHash). Absent: chunks travel through GUN.
   */
  blobs?: 1;
}

export interface MessageRecord {
  id: string;
  channelId: string;
  author: string;
  sentAt: number;
  kind: 'text' | 'file' | 'system';
  text: string;
  file?: FileMeta;
  status: MessageStatus;
  receivedAt: number;
  /** Lamport clock and the author's sequence number from the signed envelope (absent in old envelopes). */
  lamport?: number;
  seq?: number;
  /** The chat order key (core/order.ts orderKey); set by the store on every write, indexed. */
  order?: string;
  /** Why a message of mine is 'failed' (e.g. the relay's refusal, in words for people); cleared once it is sent. */
  failReason?: string;
  /** A reply: id of the message it answers (same chat). */
  replyTo?: string;
  /** Set once an edit by the author was applied: order key (sender's time, action id) of the latest edit. */
  edited?: ActionOrder;
  /** Deleted for everyone (text and file are gone; "message deleted" is shown). */
  deleted?: boolean;
  /** Deleted for me only: kept as an empty tombstone so a replay from the network does not bring it back. */
  hidden?: boolean;
  /** Latest reaction per reacting member (an empty emoji is a removed reaction, kept for ordering). */
  reactions?: Record<string, ActionOrder & { emoji: string }>;
}

/** Order of two actions by the same author: by the author's clock, then action id. */
export interface ActionOrder {
  at: number;
  id: string;
}

/**
 * A received or sent conversation action (reaction, edit, delete for everyone), kept by id so a replay
 * changes nothing, and so one that arrived before its target can be applied when the target arrives.
 */
export interface ActionRecord {
  id: string;
  channelId: string;
  author: string;
  sentAt: number;
  target: string;
  type: 'react' | 'edit' | 'delete';
  /** Emoji (react) or new text (edit). */
  value: string;
  state: 'parked' | 'applied' | 'dropped';
}

/** How far a member has seen a chat: the newest message from others it viewed (my own entry too). */
export interface SeenRecord {
  channelId: string;
  reader: string;
  sentAt: number;
  id: string;
}

export interface OutboxRecord {
  /** Unique id of the pending write (message id, or file-id:chunk-index). */
  id: string;
  /** GUN path below my user space; a first segment starting with '#' is a content-addressed root soul instead. */
  path: string[];
  /** The signed envelope or encrypted chunk to put (a receipt is the number 1). */
  value: string | number;
  createdAt: number;
  attempts: number;
  /** Message this write belongs to, so its status can move to "sent" on the relay's ack. */
  messageId: string;
}

export type FileStatus = 'queued' | 'uploading' | 'sent' | 'downloading' | 'complete' | 'failed';

export interface FileRecord extends FileMeta {
  channelId: string;
  messageId: string;
  author: string;
  direction: 'out' | 'in';
  doneChunks: number;
  status: FileStatus;
  error: string;
  blob?: Blob;
  /** Outgoing: chunk indexes a relay has acknowledged (the rest are still queued in `chunks`). */
  sentChunks?: number[];
  /**
   * Blob files: the file's bytes stay in the `chunks` store (the sender's original at index -1, the receiver's
   * decrypted parts at 0…n-1) and `blob` is built from them when the record is read (file-service getFile).
   */
  bytesInChunks?: boolean;
  updatedAt?: number;
}

export interface ChunkRecord {
  fileId: string;
  index: number;
  /** Outgoing: the encrypted chunk string waiting to be put. Incoming: empty. */
  data: string;
  /** Incoming: the verified, decrypted bytes (kept until the whole file is assembled). */
  plain?: ArrayBuffer;
  /**
   * Incoming blob files: the verified, decrypted chunk as a Blob (IndexedDB keeps it on disk). Kept after the file is
   * complete: the file is the Blob made of these parts, so a 2 GB file is never copied or held in memory.
   */
  part?: Blob;
  /** Outgoing, at index -1 only: the original file, moved into the FileRecord once sent. */
  original?: Blob;
}

export interface ShareRecord {
  id: string;
  receivedAt: number;
  files: { name: string; type: string; blob: Blob }[];
  text: string;
}

export interface MeshdropDB extends DBSchema {
  identity: { key: 'self'; value: IdentityRecord };
  settings: { key: string; value: unknown };
  contacts: { key: string; value: ContactRecord };
  channels: { key: string; value: ChannelRecord };
  messages: { key: string; value: MessageRecord; indexes: { byChannelOrder: [string, string] } };
  outbox: { key: string; value: OutboxRecord; indexes: { byCreated: number } };
  files: { key: string; value: FileRecord };
  chunks: { key: [string, number]; value: ChunkRecord };
  shares: { key: string; value: ShareRecord };
  actions: { key: string; value: ActionRecord; indexes: { byTarget: string } };
  seen: { key: [string, string]; value: SeenRecord };
}

export const DB_VERSION = 4;
