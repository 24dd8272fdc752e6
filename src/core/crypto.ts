import { SEA } from '../sync/gun-runtime.js';
import type { SeaPair } from '../types/gun.js';

/** Thin, typed wrappers over SEA so the rest of core never handles SEA's loose return values. */

export function createKeyPair(): Promise<SeaPair> {
  return SEA.pair();
}

export function isKeyPair(value: unknown): value is SeaPair {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return ['pub', 'priv', 'epub', 'epriv'].every((k) => typeof v[k] === 'string' && (v[k] as string).length > 20);
}

/** Base64 SHA-256 of a string (SEA.work with SHA-256, the same hash GUN's content addressing uses). */
export async function sha256Base64(text: string): Promise<string> {
  const hash = await SEA.work(text, null, null, { name: 'SHA-256' });
  if (!hash) throw new Error('SHA-256 failed');
  return hash;
}

/** Derives a symmetric key from a passphrase with PBKDF2. */
export async function deriveKeyFromPassphrase(passphrase: string, salt: string): Promise<string> {
  const key = await SEA.work(passphrase, salt);
  if (!key) throw new Error('Key derivation failed');
  return key;
}

export async function encryptWith(data: unknown, key: string | SeaPair): Promise<string> {
  const out = await SEA.encrypt(data, key);
  if (typeof out !== 'string') throw new Error('Encryption failed');
  return out;
}

/** Returns undefined when the key is wrong or the ciphertext was altered (AES-GCM authentication fails). */
export async function decryptWith(data: string, key: string | SeaPair): Promise<unknown> {
  try {
    return await SEA.decrypt(data, key);
  } catch {
    return undefined;
  }
}

export async function signWith(data: unknown, pair: SeaPair): Promise<string> {
  const out = await SEA.sign(data, pair);
  if (typeof out !== 'string') throw new Error('Signing failed');
  return out;
}

/** Returns the signed payload (a "SEA{…}" string or its parsed form), or undefined if the signature does not match `pub`. */
export async function verifySigned(signed: unknown, pub: string): Promise<unknown> {
  try {
    const out = await SEA.verify(signed, pub);
    return out === false ? undefined : out;
  } catch {
    return undefined;
  }
}

export async function sharedSecret(theirEpub: string, mine: SeaPair): Promise<string> {
  const out = await SEA.secret({ epub: theirEpub }, mine);
  if (!out) throw new Error('Key agreement failed');
  return out;
}

export function randomId(bytes = 16): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}
