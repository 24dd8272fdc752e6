import type { MeshdropDatabase } from '../store/db.js';
import { saveIdentity } from '../store/identity-store.js';
import { setSetting } from '../store/settings-store.js';
import type { IdentityRecord } from '../store/schema.js';
import type { GunInstance } from '../types/gun.js';
import { AccountStateError, collectAccountState, mergeAccountState, parseAccountState, type AccountState } from './account-state.js';
import type { DeviceLinkRequestView, DeviceView, DevicesHooks } from './devices-service.js';
import { IdentityError } from './identity.js';
import { joinByLink } from './link-join.js';
import type { Session } from './session.js';
import { fingerprints, loadSyncMeta, saveSyncMeta, THIS_DEVICE_SETTING } from './sync-meta.js';

/** The parts of the controller (meshdrop.ts) that device linking uses. */
export interface DevicesHost extends EventTarget {
  readonly db: MeshdropDatabase;
  readonly connection: { gun: GunInstance };
  readonly identity: IdentityRecord | undefined;
  readonly activeSession: Session | undefined;
  session(): Promise<Session>;
  removeAccountHere(): Promise<void>;
}

/**
 * The controller's devices feature: the device list, linking on both sides, backups that carry the account
 * state, and leaving the device when it is unlinked. Events on the controller: 'devices' (the list changed) and
 * 'device-link-request' (CustomEvent<DeviceLinkRequestView>: a new device waits for confirmation).
 */
export class DevicesController {
  constructor(private readonly host: DevicesHost) {
    // Chat changes made by the controller itself (a mute) reach the self-channel too; publishing is debounced.
    host.addEventListener('channels', () => host.activeSession?.devices.changed());
  }

  /** Hooks for the session's DevicesService. */
  readonly hooks: DevicesHooks = {
    devices: () => this.host.dispatchEvent(new Event('devices')),
    linkRequest: (request) => this.host.dispatchEvent(new CustomEvent<DeviceLinkRequestView>('device-link-request', { detail: request })),
    unlinked: () => void this.host.removeAccountHere().catch((err: unknown) => console.error('meshdrop: could not remove the unlinked account', err)),
  };

  async list(): Promise<DeviceView[]> {
    return (await this.host.session()).devices.listDevices();
  }

  /** Link requests waiting for confirmation on this device. */
  async pending(): Promise<DeviceLinkRequestView[]> {
    return this.host.activeSession?.devices.pendingRequests() ?? [];
  }

  async rename(name: string): Promise<void> {
    await (await this.host.session()).devices.renameDevice(name);
  }

  async unlink(id: string): Promise<void> {
    await (await this.host.session()).devices.unlinkDevice(id);
  }

  async createLink(origin: string): Promise<{ link: string; expiresAt: number }> {
    return (await this.host.session()).devices.createLink(origin);
  }

  async confirm(requestId: string): Promise<void> {
    await (await this.host.session()).devices.confirmLink(requestId);
  }

  async reject(requestId: string): Promise<void> {
    await (await this.host.session()).devices.rejectLink(requestId);
  }

  /** The account state of a backup file: undefined for an old (keys-only) file; throws if it is damaged. */
  backupState(raw: unknown): AccountState | undefined {
    if (raw === undefined) return undefined;
    try {
      return parseAccountState(raw);
    } catch (err) {
      if (err instanceof AccountStateError) throw new IdentityError('The backup file is damaged (its contacts and chats cannot be read).');
      throw err;
    }
  }

  /** Merges a backup's account state into this device (the identity is already stored; no session runs). */
  async restore(state: AccountState): Promise<void> {
    await this.install(state);
  }

  /** Device 2: runs the link exchange, then stores the identity and the account state it received. */
  async join(link: string, deviceName: string, onCode: (code: string) => void): Promise<IdentityRecord> {
    const { identity, state, device } = await joinByLink(this.host.connection.gun, link, deviceName, onCode);
    if (this.host.identity) throw new IdentityError('This device already has an identity. Linking needs a fresh profile.');
    await saveIdentity(this.host.db, identity);
    await setSetting(this.host.db, THIS_DEVICE_SETTING, device);
    await this.install(state);
    return identity;
  }

  /** Merges a whole account state and records it as already published (the other devices have it). */
  private async install(state: AccountState): Promise<void> {
    const db = this.host.db;
    const meta = await loadSyncMeta(db);
    const result = await mergeAccountState(db, state, meta.stamps, meta.devices);
    meta.devices = result.devices;
    Object.assign(meta.published, fingerprints(await collectAccountState(db, meta.stamps, meta.devices)));
    await saveSyncMeta(db, meta);
  }
}
