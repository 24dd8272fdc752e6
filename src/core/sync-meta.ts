import type { MeshdropDatabase } from '../store/db.js';
import { getSetting, setSetting } from '../store/settings-store.js';
import { isDeviceId, type AccountState, type ContactStamps, type DeviceRecord } from './account-state.js';

/** This device's id and name (stored per account: a new identity on this browser is a new device). */
export interface ThisDevice {
  id: string;
  name: string;
}

/**
 * What the self-channel remembers on this device: the device list, the time of the last change per contact
 * (newest wins), and a fingerprint of every record as last published (only what differs is sent again).
 */
export interface SyncMeta {
  devices: DeviceRecord[];
  stamps: ContactStamps;
  published: Record<string, string>;
}

export const THIS_DEVICE_SETTING = 'thisDevice';
const SYNC_SETTING = 'selfSync';

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function isSyncMeta(v: unknown): v is SyncMeta {
  return isRecord(v) && Array.isArray(v.devices) && v.devices.every((d) => isRecord(d) && isDeviceId(d.id)) && isRecord(v.stamps) && isRecord(v.published);
}

/** The stored sync state, or an empty one. */
export async function loadSyncMeta(db: MeshdropDatabase): Promise<SyncMeta> {
  return (await getSetting(db, SYNC_SETTING, isSyncMeta)) ?? { devices: [], stamps: {}, published: {} };
}

export async function saveSyncMeta(db: MeshdropDatabase, meta: SyncMeta): Promise<void> {
  await setSetting(db, SYNC_SETTING, meta);
}

/** One fingerprint per record (`c:` contact, `h:` channel, `d:` device) of what the self-channel carries. */
export function fingerprints(state: AccountState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of state.contacts) out[`c:${c.pub}`] = JSON.stringify([c.epub, c.name, c.channelId, c.verified]);
  for (const c of state.channels) {
    out[`h:${c.id}`] = JSON.stringify([c.kind, c.title, c.members, c.admin, c.keys, c.currentEpoch, c.lastReadAt, c.closed, c.profiles ?? null, c.groupNonce ?? null]);
    // The mute flag on its own: a change to it is stamped with the time it was made on this device.
    if (c.muted !== undefined) out[`m:${c.id}`] = JSON.stringify(c.muted);
  }
  for (const d of state.devices) out[`d:${d.id}`] = JSON.stringify([d.name, d.removed, d.at]);
  return out;
}
