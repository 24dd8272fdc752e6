import { randomId } from './crypto.js';

/** Opaque identifiers used in GUN paths. Nothing here reveals who talks to whom. */

export const CHANNEL_ID_RE = /^[0-9a-f]{32}$/;
export const MESSAGE_ID_RE = /^[0-9a-z]{9}[0-9a-f]{12}$/;
/** A SEA public key: two base64url P-256 coordinates joined by a dot. */
export const PUB_RE = /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/;

export const isChannelId = (v: unknown): v is string => typeof v === 'string' && CHANNEL_ID_RE.test(v);
export const isMessageId = (v: unknown): v is string => typeof v === 'string' && MESSAGE_ID_RE.test(v);
export const isPub = (v: unknown): v is string => typeof v === 'string' && PUB_RE.test(v);

/** Time-sortable message id: base-36 milliseconds (9 chars) + 12 random hex chars. */
export function newMessageId(now = Date.now()): string {
  return now.toString(36).padStart(9, '0') + randomId(6);
}

/**
 * Group channel id, bound to its admin: the first 32 hex chars of SHA-256(adminPub + ':group:' + nonce) with a
 * random nonce. Still opaque to outsiders, but a member cannot announce a group under an id another admin owns.
 */
export async function groupChannelId(adminPub: string, nonce: string): Promise<string> {
  return hex(await sha256Bytes(`${adminPub}:group:${nonce}`)).slice(0, 32);
}

async function sha256Bytes(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** 1:1 channel id: derived from the ECDH secret, so only the two parties can compute it. */
export async function directChannelId(secret: string): Promise<string> {
  return hex(await sha256Bytes(secret + ':direct')).slice(0, 32);
}

/**
 * Safety number: 12 groups of 5 digits from SHA-256 over both public keys (sorted, so both sides agree).
 * 48 bytes are needed (4 per group), so a second hash over the first extends the digest.
 */
export async function safetyNumber(pubA: string, pubB: string): Promise<string> {
  const [x, y] = [pubA, pubB].sort();
  const first = await sha256Bytes(`md1-safety|${x}|${y}`);
  const second = await sha256Bytes(`md1-safety-2|${hex(first)}`);
  const bytes = new Uint8Array([...first, ...second]);
  const view = new DataView(bytes.buffer);
  const groups: string[] = [];
  for (let i = 0; i < 12; i++) groups.push(String(view.getUint32(i * 4) % 100000).padStart(5, '0'));
  return groups.join(' ');
}
