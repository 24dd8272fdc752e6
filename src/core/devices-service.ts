import type { MeshdropDatabase } from '../store/db.js';
import { getSetting, setSetting } from '../store/settings-store.js';
import type { IdentityRecord } from '../store/schema.js';
import type { Outbox } from '../sync/outbox.js';
import type { Subscriptions } from '../sync/subscriptions.js';
import { APP_ROOT, INBOX_SOUL_PREFIX } from '../sync/user-space.js';
import { collectAccountState, isDeviceId, mergeAccountState, MAX_DEVICES, muteStamp, type AccountState, type MergeResult } from './account-state.js';
import type { ChatEvents } from './chat-events.js';
import type { ChatService } from './chat-service.js';
import { randomId } from './crypto.js';
import { confirmationCode, LINK_TTL_MS, newLinkSession, openLinkRequest, replyInbox, sealLinkRejection, sealLinkReply, type LinkPayload } from './device-link.js';
import { validateDisplayName } from './identity.js';
import { entryKey, openSelfEntry, sealSelfEntry, selfKeys, type SelfKeys } from './self-channel.js';
import { fingerprints, loadSyncMeta, saveSyncMeta, THIS_DEVICE_SETTING, type SyncMeta, type ThisDevice } from './sync-meta.js';

/** A device as the UI lists it. */
export interface DeviceView {
  id: string;
  name: string;
  linkedAt: number;
  current: boolean;
}

/** A new device asking to be linked: the user compares `code` with the one the new device shows. */
export interface DeviceLinkRequestView {
  id: string;
  name: string;
  code: string;
}

/** What the devices service reports to the controller. */
export interface DevicesHooks {
  devices(): void;
  linkRequest(request: DeviceLinkRequestView): void;
  /** Another device (or this one) unlinked this device: the controller removes the account from it. */
  unlinked(): void;
}

interface OpenLink {
  payload: LinkPayload;
  pair: import('../types/gun.js').SeaPair;
  timer: ReturnType<typeof setTimeout>;
  requests: Map<string, { deviceId: string; name: string; secret: string; code: string }>;
}

/** Debounce of self-channel publishing: a burst of changes (a message burst moves read state) makes one entry. */
const PUBLISH_DELAY_MS = 300;
const isThisDevice = (v: unknown): v is ThisDevice => !!v && typeof v === 'object' && isDeviceId((v as ThisDevice).id) && typeof (v as ThisDevice).name === 'string';

/**
 * Linked devices: the device list, device linking (device 1's side), and the self-channel that keeps every
 * device of the account in sync (self-channel.ts, account-state.ts).
 */
export class DevicesService {
  private keys: SelfKeys | undefined;
  private meta: SyncMeta | undefined;
  private device: ThisDevice | undefined;
  private queue: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly links = new Map<string, OpenLink>();

  constructor(
    private readonly db: MeshdropDatabase,
    private readonly me: IdentityRecord,
    private readonly outbox: Outbox,
    private readonly subs: Subscriptions,
    private readonly chat: ChatService,
    private readonly events: ChatEvents,
    private readonly hooks: DevicesHooks,
  ) {}

  /** Runs `task` after every earlier one: merges and publishes never interleave. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.then(
      () => undefined,
      (err: unknown) => {
        if (!this.stopped) console.debug('meshdrop devices: dropped an update', err);
      },
    );
    return run;
  }

  async start(): Promise<void> {
    this.keys = await selfKeys(this.me.pair);
    this.meta = await loadSyncMeta(this.db);
    let device = await getSetting(this.db, THIS_DEVICE_SETTING, isThisDevice);
    if (!device) {
      device = { id: randomId(16), name: defaultDeviceName() };
      await setSetting(this.db, THIS_DEVICE_SETTING, device);
    }
    this.device = device;
    if (!this.meta.devices.some((d) => d.id === device.id)) {
      const now = Date.now();
      this.meta.devices.push({ id: device.id, name: device.name, linkedAt: now, removed: false, at: now });
      await saveSyncMeta(this.db, this.meta);
    }
    const keys = this.keys;
    this.subs.ensure('s|self', this.me.pair.pub, [APP_ROOT, 's', keys.selfId], (value, key) => {
      void this.serial(() => this.onEntry(key, value));
    });
    this.changed();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const id of [...this.links.keys()]) this.closeLink(id);
  }

  /** Something in the account may have changed: publish what differs from the last entry, soon. */
  changed(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.serial(() => this.publish());
    }, PUBLISH_DELAY_MS);
  }

  /** Publishes every contact, channel and device that changed since the last entry, as one entry. */
  private async publish(): Promise<void> {
    const meta = this.meta;
    const keys = this.keys;
    const device = this.device;
    if (this.stopped || !meta || !keys || !device) return;
    const state = await collectAccountState(this.db, meta.stamps, meta.devices);
    const now = Date.now();
    const prints = fingerprints(state);
    // One entry per record, each under a fixed opaque key (entryKey): a newer entry replaces the older one on the
    // relays, so what every start replays grows with the number of contacts and chats, not with their history.
    const entries = new Map<string, AccountState>();
    const entry = (k: string): AccountState => {
      let e = entries.get(k);
      if (!e) entries.set(k, (e = { v: 1, contacts: [], channels: [], devices: [] }));
      return e;
    };
    const channelsById = new Map(state.channels.map((c) => [c.id, c]));
    for (const c of state.channels) {
      const m = muteStamp(c.id);
      const muteChanged = prints[m] !== undefined && meta.published[m] !== prints[m];
      if (muteChanged) {
        meta.stamps[m] = now;
        c.mutedAt = now;
      }
      if (muteChanged || meta.published[`h:${c.id}`] !== prints[`h:${c.id}`]) entry(`h:${c.id}`).channels.push(c);
    }
    for (const c of state.contacts) {
      const k = `c:${c.pub}`;
      if (meta.published[k] === prints[k]) continue;
      // A local change to a contact (verified flag, name): it now carries this time, and newer wins elsewhere.
      if (meta.published[k] !== undefined) meta.stamps[c.pub] = now;
      const e = entry(k);
      e.contacts.push({ ...c, at: meta.stamps[c.pub] ?? c.at });
      // A contact travels with its 1:1 chat (a contact without it is not added), in the same entry.
      const direct = channelsById.get(c.channelId);
      if (direct) e.channels.push(direct);
    }
    for (const d of state.devices) if (meta.published[`d:${d.id}`] !== prints[`d:${d.id}`]) entry(`d:${d.id}`).devices.push(d);
    for (const [recordKey, part] of entries) {
      const id = await entryKey(keys, recordKey);
      const value = await sealSelfEntry({ id, device: device.id, at: now, state: part }, keys);
      // Same outbox id per record: a write still waiting for a relay is replaced by the newer one.
      await this.outbox.enqueue({ id: `s:${id}`, path: [APP_ROOT, 's', keys.selfId, id], value, messageId: '' });
    }
    Object.assign(meta.published, prints);
    await saveSyncMeta(this.db, meta);
  }

  private async onEntry(key: string, raw: unknown): Promise<void> {
    const meta = this.meta;
    const keys = this.keys;
    if (this.stopped || !meta || !keys || !this.device) return;
    const entry = await openSelfEntry(raw, key, keys);
    // My own entries were applied when written; GUN replays every entry on each start, the merge ignores those.
    if (!entry || entry.device === this.device.id) return;
    await this.apply(entry.state);
  }

  /** Merges a copy of the account state into this device and follows what changed (subscriptions, events). */
  async apply(state: AccountState): Promise<MergeResult | undefined> {
    const meta = this.meta;
    if (!meta) return undefined;
    const result = await mergeAccountState(this.db, state, meta.stamps, meta.devices);
    meta.devices = result.devices;
    // What arrived is now what this device has published too: merging must not echo it back.
    const now = await collectAccountState(this.db, meta.stamps, meta.devices);
    const prints = fingerprints(now);
    const touched = new Set([
      ...state.contacts.map((c) => `c:${c.pub}`),
      ...state.channels.map((c) => `h:${c.id}`),
      ...state.channels.map((c) => `m:${c.id}`),
      ...state.devices.map((d) => `d:${d.id}`),
    ]);
    for (const k of touched) {
      const incoming = fingerprints({ v: 1, contacts: state.contacts.filter((c) => `c:${c.pub}` === k), channels: state.channels.filter((c) => `h:${c.id}` === k || `m:${c.id}` === k), devices: state.devices.filter((d) => `d:${d.id}` === k) })[k];
      if (prints[k] !== undefined && prints[k] === incoming) meta.published[k] = prints[k];
    }
    await saveSyncMeta(this.db, meta);
    for (const { channel, membersBefore } of result.channels) {
      if (channel.closed) {
        this.chat.unwatchChannel(channel.id);
        continue;
      }
      for (const pub of membersBefore) if (!channel.members.includes(pub)) this.chat.unwatchMember(channel.id, pub);
      this.chat.watchChannel(channel);
      this.chat.retryParked(channel.id);
    }
    if (result.contactsChanged) this.events.contacts();
    if (result.channels.length) this.events.channels();
    if (result.devicesChanged) {
      this.hooks.devices();
      if (result.devices.some((d) => d.id === this.device?.id && d.removed)) this.hooks.unlinked();
    }
    return result;
  }

  /** Every linked device, this one first. */
  listDevices(): DeviceView[] {
    const current = this.device?.id;
    return (this.meta?.devices ?? [])
      .filter((d) => !d.removed)
      .map((d) => ({ id: d.id, name: d.name, linkedAt: d.linkedAt, current: d.id === current }))
      .sort((a, b) => Number(b.current) - Number(a.current) || a.linkedAt - b.linkedAt);
  }

  async renameDevice(rawName: string): Promise<void> {
    const name = validateDisplayName(rawName);
    await this.serial(async () => {
      const meta = this.meta;
      const device = this.device;
      if (!meta || !device) return;
      device.name = name;
      await setSetting(this.db, THIS_DEVICE_SETTING, device);
      meta.devices = meta.devices.map((d) => (d.id === device.id ? { ...d, name, at: Math.max(Date.now(), d.at + 1) } : d));
      await saveSyncMeta(this.db, meta);
    });
    this.hooks.devices();
    this.changed();
  }

  /** Marks a device unlinked in the list every device shares; the controller then clears this one if it is me. */
  async unlinkDevice(id: string): Promise<void> {
    let mine = false;
    await this.serial(async () => {
      const meta = this.meta;
      if (!meta) return;
      const d = meta.devices.find((x) => x.id === id && !x.removed);
      if (!d) throw new Error('There is no such device.');
      d.removed = true;
      d.at = Math.max(Date.now(), d.at + 1);
      mine = id === this.device?.id;
      await saveSyncMeta(this.db, meta);
      await this.publish();
    });
    this.hooks.devices();
    if (mine) this.hooks.unlinked();
  }

  // --- linking, device 1's side ---

  /** A link for a new device, valid for LINK_TTL_MS; requests to it arrive as `linkRequest` hooks. */
  async createLink(origin: string): Promise<{ link: string; expiresAt: number }> {
    const inbox = randomId(16);
    const { pair, payload, link } = await newLinkSession(origin, inbox);
    const open: OpenLink = { payload, pair, requests: new Map(), timer: setTimeout(() => this.closeLink(inbox), LINK_TTL_MS) };
    this.links.set(inbox, open);
    this.subs.ensure(`l|${inbox}`, '', [INBOX_SOUL_PREFIX + inbox], (value) => {
      void openLinkRequest(value, payload, pair).then(async (req) => {
        if (!req || !this.links.has(inbox) || [...open.requests.values()].some((r) => r.secret === req.secret)) return;
        const id = randomId(8);
        const code = await confirmationCode(req.secret);
        open.requests.set(id, { ...req, code });
        this.hooks.linkRequest({ id, name: req.name, code });
      });
    });
    return { link, expiresAt: payload.x };
  }

  /** Requests waiting for confirmation (for a devices screen opened after they arrived). */
  pendingRequests(): DeviceLinkRequestView[] {
    return [...this.links.values()].flatMap((open) => [...open.requests].map(([id, r]) => ({ id, name: r.name, code: r.code })));
  }

  private closeLink(inbox: string): void {
    const open = this.links.get(inbox);
    if (!open) return;
    clearTimeout(open.timer);
    this.subs.drop(`l|${inbox}`);
    this.links.delete(inbox);
  }

  private findRequest(id: string): { inbox: string; req: { deviceId: string; name: string; secret: string } } {
    for (const [inbox, open] of this.links) {
      const req = open.requests.get(id);
      if (req) return { inbox, req };
    }
    throw new Error('This link request has expired. Make a new link.');
  }

  /** The user confirmed the codes match: add the device to the list and send it the keys and the account state. */
  async confirmLink(requestId: string): Promise<void> {
    const { inbox, req } = this.findRequest(requestId);
    this.closeLink(inbox); // one device per link
    await this.serial(async () => {
      const meta = this.meta;
      if (!meta) throw new Error('Not signed in.');
      const now = Date.now();
      if (!meta.devices.some((d) => d.id === req.deviceId) && meta.devices.length < MAX_DEVICES) {
        meta.devices.push({ id: req.deviceId, name: req.name, linkedAt: now, removed: false, at: now });
        await saveSyncMeta(this.db, meta);
      }
      const state = await collectAccountState(this.db, meta.stamps, meta.devices);
      const { key, value } = await sealLinkReply({ identity: this.me, state }, req.secret);
      await this.outbox.enqueue({ id: `link:${key}`, path: [INBOX_SOUL_PREFIX + (await replyInbox(req.secret)), key], value, messageId: '' });
      await this.publish();
    });
    this.hooks.devices();
  }

  /** The user refused (codes differ or an unknown device): the link is closed, and the device told so. */
  async rejectLink(requestId: string): Promise<void> {
    const { inbox, req } = this.findRequest(requestId);
    this.closeLink(inbox);
    const { key, value } = await sealLinkRejection(req.secret);
    await this.outbox.enqueue({ id: `link:${key}`, path: [INBOX_SOUL_PREFIX + (await replyInbox(req.secret)), key], value, messageId: '' });
  }

  /** For a backup file: the whole account state. */
  async collect(): Promise<AccountState> {
    const meta = this.meta ?? (await loadSyncMeta(this.db));
    return collectAccountState(this.db, meta.stamps, meta.devices);
  }
}

/** A first guess at a device name, from the browser's platform (the user can rename it). */
export function defaultDeviceName(): string {
  const ua = globalThis.navigator?.userAgent ?? '';
  const platform = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac/.test(ua) ? 'Mac' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : 'Browser';
  return `${platform} browser`;
}
