import type { SeaPair } from '../types/gun.js';
import { parseAccountState, type AccountState } from './account-state.js';
import { decryptWith, encryptWith, sharedSecret } from './crypto.js';

const ENTRY_KEY_RE = /^[0-9a-f]{32}$/;

/**
 * The self-channel: how the devices of one account keep each other up to date. Entries live in the account's
 * own signed space at `~<pub>/md1/s/<selfId>/<entryId>` (GUN peers accept only writes signed by the account's
 * key), encrypted with a key only the account has: the ECDH secret of the account's key pair with itself. The
 * id `selfId` is derived from that key too, so the path says nothing to anyone else. Each entry is a partial
 * account state (account-state.ts), merged with the same idempotent rules as a link or a backup.
 */

export interface SelfKeys {
  key: string;
  selfId: string;
}

export interface SelfEntry {
  id: string;
  /** Device that wrote the entry. */
  device: string;
  at: number;
  state: AccountState;
}

/** Largest entry read (a full account state in one entry stays far below this). */
export const MAX_SELF_ENTRY_CHARS = 2_000_000;

async function sha256Hex(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The self-channel key and opaque id of an account (the same on every device holding the key pair). */
export async function selfKeys(pair: SeaPair): Promise<SelfKeys> {
  const key = await sharedSecret(pair.epub, pair);
  return { key, selfId: (await sha256Hex(`md1-self|${key}`)).slice(0, 32) };
}

/**
 * The fixed key of one record's entry (`c:<pub>`, `h:<channelId>`, `d:<deviceId>`): opaque to others, and the same
 * on every device, so the newest entry for a record replaces the older ones on the relays.
 */
export async function entryKey(keys: SelfKeys, recordKey: string): Promise<string> {
  return (await sha256Hex(`md1-self-entry|${keys.key}|${recordKey}`)).slice(0, 32);
}

/** Encrypts an entry; the id and self id inside bind it to the one place it may be read from. */
export async function sealSelfEntry(entry: SelfEntry, keys: SelfKeys): Promise<string> {
  return encryptWith({ t: 'self', self: keys.selfId, ...entry }, keys.key);
}

/** Opens an entry read at key `id`; undefined for anything invalid (wrong key, moved entry, malformed state). */
export async function openSelfEntry(raw: unknown, id: string, keys: SelfKeys): Promise<SelfEntry | undefined> {
  if (typeof raw !== 'string' || raw.length > MAX_SELF_ENTRY_CHARS || !ENTRY_KEY_RE.test(id)) return undefined;
  const inner = await decryptWith(raw, keys.key);
  if (!inner || typeof inner !== 'object') return undefined;
  const e = inner as Record<string, unknown>;
  if (e.t !== 'self' || e.self !== keys.selfId || e.id !== id || typeof e.device !== 'string' || typeof e.at !== 'number' || !Number.isFinite(e.at)) return undefined;
  try {
    return { id, device: e.device, at: e.at, state: parseAccountState(e.state) };
  } catch {
    return undefined;
  }
}
