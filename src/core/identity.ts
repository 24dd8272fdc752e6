import type { IdentityRecord } from '../store/schema.js';
import { createKeyPair, decryptWith, deriveKeyFromPassphrase, encryptWith, isKeyPair, randomId } from './crypto.js';

export const NAME_MAX_LENGTH = 40;
export const PASSPHRASE_MIN_LENGTH = 8;
const BACKUP_FORMAT = 'meshdrop-identity-backup';
/** Version 1 holds the keys and profile; version 2 adds the account state (contacts, chats, devices). */
const BACKUP_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

export class IdentityError extends Error {
  override name = 'IdentityError';
}

/** Trims a display name and rejects empty, too long or control-character names with a message for the user. */
export function validateDisplayName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (!name) throw new IdentityError('Please enter a display name.');
  if (name.length > NAME_MAX_LENGTH) throw new IdentityError(`Display names can be at most ${NAME_MAX_LENGTH} characters.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new IdentityError('Display names cannot contain control characters.');
  return name;
}

export async function createIdentity(rawName: string): Promise<IdentityRecord> {
  const name = validateDisplayName(rawName);
  return { pair: await createKeyPair(), name, createdAt: Date.now() };
}

interface BackupFile {
  format: typeof BACKUP_FORMAT;
  version: number;
  salt: string;
  data: string;
}

/** A passphrase-encrypted backup (PBKDF2 → AES-GCM) of the key pair, profile and account state, as JSON text. */
export async function exportIdentityBackup(identity: IdentityRecord, passphrase: string, state?: unknown): Promise<string> {
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) {
    throw new IdentityError(`Use a passphrase of at least ${PASSPHRASE_MIN_LENGTH} characters.`);
  }
  const salt = randomId(16);
  const key = await deriveKeyFromPassphrase(passphrase, salt);
  const data = await encryptWith({ pair: identity.pair, name: identity.name, createdAt: identity.createdAt, ...(state === undefined ? {} : { state }) }, key);
  const file: BackupFile = { format: BACKUP_FORMAT, version: BACKUP_VERSION, salt, data };
  return JSON.stringify(file);
}

function parseBackupFile(text: string): BackupFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new IdentityError('This file is not a Meshdrop backup (it is not valid JSON).');
  }
  const f = parsed as Partial<BackupFile> | null;
  if (!f || typeof f !== 'object' || f.format !== BACKUP_FORMAT) {
    throw new IdentityError('This file is not a Meshdrop backup.');
  }
  if (!READABLE_VERSIONS.includes(f.version as number)) throw new IdentityError(`Unsupported backup version ${String(f.version)}.`);
  if (typeof f.salt !== 'string' || typeof f.data !== 'string') throw new IdentityError('The backup file is damaged.');
  return f as BackupFile;
}

/** Decrypts a backup. Throws IdentityError with a user-facing message on a wrong passphrase or a damaged file. */
export async function importIdentityBackup(text: string, passphrase: string): Promise<IdentityRecord> {
  return (await openBackup(text, passphrase)).identity;
}

/** Decrypts a backup: the identity, and the account state (unvalidated; absent in version 1 files). */
export async function openBackup(text: string, passphrase: string): Promise<{ identity: IdentityRecord; state: unknown }> {
  const file = parseBackupFile(text);
  const key = await deriveKeyFromPassphrase(passphrase, file.salt);
  const plain = await decryptWith(file.data, key);
  if (!plain || typeof plain !== 'object') {
    throw new IdentityError('Wrong passphrase, or the backup file is damaged.');
  }
  const p = plain as Partial<IdentityRecord> & { state?: unknown };
  if (!isKeyPair(p.pair) || typeof p.name !== 'string') throw new IdentityError('The backup file is damaged.');
  return { identity: { pair: p.pair, name: validateDisplayName(p.name), createdAt: typeof p.createdAt === 'number' ? p.createdAt : Date.now() }, state: p.state };
}
