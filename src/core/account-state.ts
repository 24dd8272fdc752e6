import type { MeshdropDatabase } from '../store/db.js';
import type { ChannelKeyRecord, ChannelRecord, ContactRecord, MemberProfile } from '../store/schema.js';
import { isChannelId, isPub } from './ids.js';
import { MAX_GROUP_MEMBERS, MAX_NAME_CHARS } from './envelope.js';

/**
 * Account state shared by every device of one account: contacts, chats (with every key), read state and the
 * device list. It travels in three ways: whole in a device link and in a backup file, and in parts through the
 * self-channel (self-channel.ts). Every copy is merged with the same rules (`mergeAccountState`), which are
 * idempotent and order-independent, so a replayed or late copy never undoes a newer change.
 */

/** One device of the account, as shown in the device list. */
export interface DeviceRecord {
  id: string;
  name: string;
  linkedAt: number;
  /** Set when the device was unlinked (kept, so a replayed "linked" copy cannot bring it back). */
  removed: boolean;
  /** Last change (ms): the newer copy of a device wins. */
  at: number;
}

/** The part of a channel that is synced (unread/last-message fields are recomputed on each device). */
export type SyncedChannel = Pick<ChannelRecord, 'id' | 'kind' | 'title' | 'members' | 'admin' | 'keys' | 'currentEpoch' | 'createdAt' | 'lastReadAt' | 'closed'> &
  Partial<Pick<ChannelRecord, 'profiles' | 'groupNonce' | 'muted'>> & {
    /** Time of the last local mute change: the newer mute flag wins. */
    mutedAt?: number;
  };

/** The part of a contact that is synced, with the time of its last local change (verified flag, name). */
export type SyncedContact = Pick<ContactRecord, 'pub' | 'epub' | 'name' | 'addedAt' | 'channelId' | 'verified'> & { at: number };

export interface AccountState {
  v: 1;
  contacts: SyncedContact[];
  channels: SyncedChannel[];
  devices: DeviceRecord[];
}

export class AccountStateError extends Error {
  override name = 'AccountStateError';
}

/** Limits that keep a hostile copy from costing unbounded memory or storage. */
export const MAX_CONTACTS = 5000;
export const MAX_CHANNELS = 5000;
export const MAX_DEVICES = 50;
const MAX_KEYS_PER_CHANNEL = 10_000;
const DEVICE_ID_RE = /^[0-9a-f]{16,32}$/;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isName = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_NAME_CHARS && !/[\u0000-\u001f\u007f]/.test(v);
const isEpub = (v: unknown): v is string => typeof v === 'string' && v.length > 20 && v.length < 200;
const isKey = (v: unknown): v is string => typeof v === 'string' && v.length >= 16 && v.length <= 200;
export const isDeviceId = (v: unknown): v is string => typeof v === 'string' && DEVICE_ID_RE.test(v);

function parseContact(v: unknown): SyncedContact {
  if (!isObject(v) || !isPub(v.pub) || !isEpub(v.epub) || !isName(v.name) || !isTime(v.addedAt) || !isChannelId(v.channelId) || typeof v.verified !== 'boolean' || !isTime(v.at)) {
    throw new AccountStateError('contact');
  }
  return { pub: v.pub, epub: v.epub, name: v.name, addedAt: v.addedAt, channelId: v.channelId, verified: v.verified, at: v.at };
}

function parseProfile(v: unknown): MemberProfile {
  if (!isObject(v) || !isPub(v.pub) || !isEpub(v.epub) || !isName(v.name)) throw new AccountStateError('profile');
  return { pub: v.pub, epub: v.epub, name: v.name };
}

function parseKey(v: unknown): ChannelKeyRecord {
  if (!isObject(v) || !Number.isSafeInteger(v.epoch) || (v.epoch as number) < 0 || !isKey(v.key)) throw new AccountStateError('key');
  return { epoch: v.epoch as number, key: v.key };
}

function parseChannel(v: unknown): SyncedChannel {
  if (!isObject(v) || !isChannelId(v.id) || (v.kind !== 'direct' && v.kind !== 'group') || typeof v.title !== 'string' || v.title.length > MAX_NAME_CHARS) {
    throw new AccountStateError('channel');
  }
  if (!Array.isArray(v.members) || v.members.length > MAX_GROUP_MEMBERS || !v.members.every(isPub)) throw new AccountStateError('members');
  if (typeof v.admin !== 'string' || (v.admin !== '' && !isPub(v.admin))) throw new AccountStateError('admin');
  if (!Array.isArray(v.keys) || v.keys.length === 0 || v.keys.length > MAX_KEYS_PER_CHANNEL) throw new AccountStateError('keys');
  const keys = v.keys.map(parseKey);
  if (!Number.isSafeInteger(v.currentEpoch) || !keys.some((k) => k.epoch === v.currentEpoch)) throw new AccountStateError('epoch');
  if (!isTime(v.createdAt) || !isTime(v.lastReadAt) || typeof v.closed !== 'boolean') throw new AccountStateError('channel fields');
  const out: SyncedChannel = {
    id: v.id,
    kind: v.kind,
    title: v.title,
    members: [...v.members],
    admin: v.admin,
    keys,
    currentEpoch: v.currentEpoch as number,
    createdAt: v.createdAt,
    lastReadAt: v.lastReadAt,
    closed: v.closed,
  };
  if (v.profiles !== undefined) {
    if (!Array.isArray(v.profiles) || v.profiles.length > MAX_GROUP_MEMBERS + 1) throw new AccountStateError('profiles');
    out.profiles = v.profiles.map(parseProfile);
  }
  if (v.groupNonce !== undefined) {
    if (typeof v.groupNonce !== 'string' || !/^[0-9a-f]{32}$/.test(v.groupNonce)) throw new AccountStateError('nonce');
    out.groupNonce = v.groupNonce;
  }
  if (v.muted !== undefined || v.mutedAt !== undefined) {
    if (typeof v.muted !== 'boolean' || !isTime(v.mutedAt)) throw new AccountStateError('muted');
    out.muted = v.muted;
    out.mutedAt = v.mutedAt;
  }
  if (out.kind === 'direct' && (out.members.length !== 1 || out.admin !== '')) throw new AccountStateError('direct channel');
  return out;
}

function parseDevice(v: unknown): DeviceRecord {
  if (!isObject(v) || !isDeviceId(v.id) || !isName(v.name) || !isTime(v.linkedAt) || typeof v.removed !== 'boolean' || !isTime(v.at)) {
    throw new AccountStateError('device');
  }
  return { id: v.id, name: v.name, linkedAt: v.linkedAt, removed: v.removed, at: v.at };
}

function list<T>(v: unknown, max: number, parse: (x: unknown) => T, what: string): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > max) throw new AccountStateError(what);
  return v.map(parse);
}

/**
 * Validates an account state (or a part of one) read from a link, a backup or the self-channel.
 * Throws AccountStateError on anything malformed: a copy is taken whole or not at all.
 */
export function parseAccountState(raw: unknown): AccountState {
  if (!isObject(raw) || raw.v !== 1) throw new AccountStateError('format');
  const state: AccountState = {
    v: 1,
    contacts: list(raw.contacts, MAX_CONTACTS, parseContact, 'contacts'),
    channels: list(raw.channels, MAX_CHANNELS, parseChannel, 'channels'),
    devices: list(raw.devices, MAX_DEVICES, parseDevice, 'devices'),
  };
  // A contact always has its 1:1 channel next to it or already on the device; the merge checks the latter.
  return state;
}

/** The synced part of a stored channel (`mutedAt` from the mute stamps). */
export function syncedChannel(c: ChannelRecord, stamps: ContactStamps = {}): SyncedChannel {
  const out: SyncedChannel = {
    id: c.id,
    kind: c.kind,
    title: c.title,
    members: c.members,
    admin: c.admin,
    keys: c.keys,
    currentEpoch: c.currentEpoch,
    createdAt: c.createdAt,
    lastReadAt: c.lastReadAt,
    closed: c.closed,
  };
  if (c.profiles) out.profiles = c.profiles;
  if (c.groupNonce) out.groupNonce = c.groupNonce;
  if (c.muted !== undefined) {
    out.muted = c.muted;
    out.mutedAt = stamps[muteStamp(c.id)] ?? 0;
  }
  return out;
}

/** Changes a merge made, so the running session can subscribe and unsubscribe accordingly. */
export interface MergeResult {
  contactsChanged: boolean;
  /** Channels that are new or changed, with the members they had before (empty when new). */
  channels: { channel: ChannelRecord; membersBefore: string[]; isNew: boolean }[];
  devicesChanged: boolean;
  devices: DeviceRecord[];
}

/** Local time stamps of the last change per contact (by pub) and per chat mute (`m:<id>`): the newer one wins. */
export type ContactStamps = Record<string, number>;

/** The stamp key of a chat's mute flag. */
export const muteStamp = (channelId: string): string => `m:${channelId}`;

/**
 * Merges a copy into IndexedDB in one transaction. Rules (each idempotent, so replays change nothing):
 * contacts are added once, and their verified flag and name follow the newest change (`at`); channel keys are
 * the union of all epochs; members, profiles, title and the closed flag follow the higher epoch (at the same
 * epoch, closed wins: leaving and removal keep the epoch); read state only moves forward; devices follow `at`.
 */
export async function mergeAccountState(
  db: MeshdropDatabase,
  state: AccountState,
  stamps: ContactStamps,
  devices: DeviceRecord[],
): Promise<MergeResult> {
  const result: MergeResult = { contactsChanged: false, channels: [], devicesChanged: false, devices: [...devices] };
  const tx = db.transaction(['contacts', 'channels'], 'readwrite');
  const channels = tx.objectStore('channels');
  const contacts = tx.objectStore('contacts');
  for (const incoming of state.channels) {
    const existing = await channels.get(incoming.id);
    if (!existing) {
      const { mutedAt, ...fields } = incoming;
      const record: ChannelRecord = { ...fields, lastMessageAt: Math.max(incoming.lastReadAt, incoming.createdAt), unread: 0, readUpTo: incoming.lastReadAt };
      if (mutedAt !== undefined) stamps[muteStamp(incoming.id)] = mutedAt;
      await channels.put(record);
      result.channels.push({ channel: record, membersBefore: [], isNew: true });
      continue;
    }
    // A copy can never turn a direct chat into a group or hand a group to another admin.
    if (existing.kind !== incoming.kind || existing.admin !== incoming.admin) continue;
    const next: ChannelRecord = { ...existing, keys: [...existing.keys] };
    for (const k of incoming.keys) if (!next.keys.some((x) => x.epoch === k.epoch)) next.keys.push(k);
    if (incoming.currentEpoch > existing.currentEpoch) {
      next.currentEpoch = incoming.currentEpoch;
      next.members = incoming.members;
      next.title = incoming.title;
      next.closed = incoming.closed;
      if (incoming.profiles) next.profiles = incoming.profiles;
    } else if (incoming.currentEpoch === existing.currentEpoch && incoming.closed) {
      next.closed = true;
    }
    if (incoming.lastReadAt > existing.lastReadAt) {
      next.lastReadAt = incoming.lastReadAt;
      next.readUpTo = Math.max(existing.readUpTo ?? 0, incoming.lastReadAt);
      // Read on the other device up to at least my newest message: nothing here is unread any more.
      if (incoming.lastReadAt >= existing.lastMessageAt) next.unread = 0;
    }
    if (incoming.muted !== undefined && (incoming.mutedAt ?? 0) > (stamps[muteStamp(incoming.id)] ?? 0)) {
      next.muted = incoming.muted;
      stamps[muteStamp(incoming.id)] = incoming.mutedAt ?? 0;
    }
    if (JSON.stringify(next) !== JSON.stringify(existing)) {
      await channels.put(next);
      result.channels.push({ channel: next, membersBefore: existing.members, isNew: false });
    }
  }
  for (const c of state.contacts) {
    const existing = await contacts.get(c.pub);
    const { at, ...record } = c;
    if (!existing) {
      // A contact without its 1:1 channel would be unusable; the copy must carry it (or the device have it).
      if (!(await channels.get(c.channelId))) continue;
      await contacts.put(record);
      stamps[c.pub] = at;
      result.contactsChanged = true;
    } else if (at > (stamps[c.pub] ?? 0) && (existing.verified !== c.verified || existing.name !== c.name)) {
      await contacts.put({ ...existing, verified: c.verified, name: c.name });
      stamps[c.pub] = at;
      result.contactsChanged = true;
    }
  }
  await tx.done;
  for (const d of state.devices) {
    const i = result.devices.findIndex((x) => x.id === d.id);
    const mine = result.devices[i];
    if (!mine) {
      if (result.devices.length >= MAX_DEVICES) continue;
      result.devices.push(d);
      result.devicesChanged = true;
    } else if (d.at > mine.at && !mine.removed) {
      // An unlinked device stays unlinked: its id is never reused, so nothing may bring it back.
      result.devices[i] = d;
      result.devicesChanged = true;
    }
  }
  return result;
}

/** The whole state of this device's account, for a link or a backup file. */
export async function collectAccountState(db: MeshdropDatabase, stamps: ContactStamps, devices: DeviceRecord[]): Promise<AccountState> {
  const tx = db.transaction(['contacts', 'channels'], 'readonly');
  const [contacts, channels] = await Promise.all([tx.objectStore('contacts').getAll(), tx.objectStore('channels').getAll(), tx.done]);
  return {
    v: 1,
    contacts: contacts.map((c) => ({ pub: c.pub, epub: c.epub, name: c.name, addedAt: c.addedAt, channelId: c.channelId, verified: c.verified, at: stamps[c.pub] ?? c.addedAt })),
    channels: channels.map((c) => syncedChannel(c, stamps)),
    devices,
  };
}
