import type { IdentityRecord } from '../store/schema.js';
import type { SeaPair } from '../types/gun.js';
import { createKeyPair, decryptWith, encryptWith, isKeyPair, sha256Base64, sharedSecret } from './crypto.js';
import { isDeviceId, parseAccountState, type AccountState } from './account-state.js';
import { validateDisplayName } from './identity.js';

/**
 * Device linking. Device 1 makes a link carrying a fresh ephemeral public key and a random inbox id (and an
 * expiry); the link travels out of band (QR code or copy/paste). Device 2 answers with its own ephemeral key and
 * its device name, encrypted with the ECDH secret of the two ephemeral keys, into the content-addressed inbox
 * `#md1inbox<inbox>`. Both devices show a short code derived from that secret; when the user confirms on
 * device 1 that the codes match, device 1 writes the identity and the account state, encrypted with the same
 * secret, into a second inbox whose id is derived from the secret. A relay sees two inbox ids and ciphertext.
 */

export interface LinkPayload {
  v: 1;
  /** Ephemeral epub of device 1 (its private half never leaves device 1's memory). */
  e: string;
  inbox: string;
  /** Expiry (ms since epoch). */
  x: number;
}

export interface LinkRequest {
  deviceId: string;
  name: string;
}

export interface LinkReply {
  identity: IdentityRecord;
  state: AccountState;
}

export type LinkErrorCode = 'not-a-link' | 'damaged' | 'expired' | 'has-identity' | 'no-answer' | 'rejected';

/** A device-link problem, with a code (for tests and callers) and a message for the user. */
export class LinkError extends Error {
  override name = 'LinkError';
  constructor(
    readonly code: LinkErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const LINK_FRAGMENT = '#link=';
/** How long a link (and the ephemeral key behind it) is valid. */
export const LINK_TTL_MS = 10 * 60_000;
/** Largest link reply accepted: a whole account state (thousands of contacts and group keys) fits well below. */
export const MAX_REPLY_CHARS = 2_000_000;
const MAX_REQUEST_CHARS = 4096;
const INBOX_RE = /^[0-9a-f]{32}$/;

/** User-facing wording for each link problem. */
export const LINK_MESSAGES: Record<LinkErrorCode, string> = {
  'not-a-link': 'This is not a Meshdrop device link. On your other device open "Link a new device" and copy the whole link.',
  damaged: 'This device link is damaged or incomplete. Make a new one on your other device.',
  expired: 'This device link has expired. Make a new one on your other device ("Link a new device").',
  'has-identity': 'This device already has an identity. Linking needs a fresh profile.',
  'no-answer': 'Your other device did not answer before the link expired. Make a new link and confirm it on that device.',
  rejected: 'The link request was refused on your other device.',
};

const linkError = (code: LinkErrorCode): LinkError => new LinkError(code, LINK_MESSAGES[code]);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isEpub = (v: unknown): v is string => typeof v === 'string' && v.length > 20 && v.length < 200;

function toBase64Url(text: string): string {
  let bin = '';
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

async function sha256Hex(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A new link session for device 1: the ephemeral pair stays in memory; the link goes to device 2. */
export async function newLinkSession(origin: string, inbox: string, now = Date.now()): Promise<{ pair: SeaPair; payload: LinkPayload; link: string }> {
  const pair = await createKeyPair();
  const payload: LinkPayload = { v: 1, e: pair.epub, inbox, x: now + LINK_TTL_MS };
  return { pair, payload, link: `${origin}/${LINK_FRAGMENT}${toBase64Url(JSON.stringify(payload))}` };
}

/** Parses a device link (any http(s) origin, like invite links). Throws LinkError. */
export function parseDeviceLink(text: string, now = Date.now()): LinkPayload {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw linkError('not-a-link');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hash.startsWith(LINK_FRAGMENT)) throw linkError('not-a-link');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(url.hash.slice(LINK_FRAGMENT.length)));
  } catch {
    throw linkError('damaged');
  }
  if (!isObject(parsed) || parsed.v !== 1 || !isEpub(parsed.e) || typeof parsed.inbox !== 'string' || !INBOX_RE.test(parsed.inbox) || typeof parsed.x !== 'number') {
    throw linkError('damaged');
  }
  if (parsed.x <= now) throw linkError('expired');
  return { v: 1, e: parsed.e, inbox: parsed.inbox, x: parsed.x };
}

/** Both devices show this code (from the exchange's secret): the user compares them before device 1 sends keys. */
export async function confirmationCode(secret: string): Promise<string> {
  const hex = await sha256Hex(`md1-link-code|${secret}`);
  const n = parseInt(hex.slice(0, 8), 16) % 1_000_000;
  const s = String(n).padStart(6, '0');
  return `${s.slice(0, 3)} ${s.slice(3)}`;
}

/** The inbox device 1 answers into: derived from the secret, so only the two devices know it in advance. */
export async function replyInbox(secret: string): Promise<string> {
  return (await sha256Hex(`md1-link-reply|${secret}`)).slice(0, 32);
}

/** Device 2: seals its request; returns the value to store (under its SHA-256) and the secret for what follows. */
export async function sealLinkRequest(link: LinkPayload, request: LinkRequest): Promise<{ key: string; value: string; secret: string }> {
  const ephemeral = await createKeyPair();
  const secret = await sharedSecret(link.e, ephemeral);
  const value = JSON.stringify({ e: ephemeral.epub, ct: await encryptWith({ t: 'link-request', inbox: link.inbox, ...request }, secret) });
  return { key: await sha256Base64(value), value, secret };
}

/** Device 1: opens a request read from the link inbox. Undefined for anything invalid (never throws). */
export async function openLinkRequest(raw: unknown, link: LinkPayload, mine: SeaPair): Promise<(LinkRequest & { secret: string }) | undefined> {
  try {
    if (typeof raw !== 'string' || raw.length > MAX_REQUEST_CHARS) return undefined;
    const outer: unknown = JSON.parse(raw);
    if (!isObject(outer) || !isEpub(outer.e) || typeof outer.ct !== 'string') return undefined;
    const secret = await sharedSecret(outer.e, mine);
    const inner = await decryptWith(outer.ct, secret);
    if (!isObject(inner) || inner.t !== 'link-request' || inner.inbox !== link.inbox || !isDeviceId(inner.deviceId) || typeof inner.name !== 'string') return undefined;
    return { deviceId: inner.deviceId, name: validateDisplayName(inner.name), secret };
  } catch {
    return undefined;
  }
}

/** Device 1: the identity and account state for device 2, encrypted with the exchange's secret. */
export async function sealLinkReply(reply: LinkReply, secret: string): Promise<{ key: string; value: string }> {
  const value = JSON.stringify({ ct: await encryptWith({ t: 'link-reply', identity: reply.identity, state: reply.state }, secret) });
  if (value.length > MAX_REPLY_CHARS) throw new Error('The account is too large to link in one step.');
  return { key: await sha256Base64(value), value };
}

/** Device 1: the answer when the user refused the request (so device 2 says so instead of waiting). */
export async function sealLinkRejection(secret: string): Promise<{ key: string; value: string }> {
  const value = JSON.stringify({ ct: await encryptWith({ t: 'link-rejected' }, secret) });
  return { key: await sha256Base64(value), value };
}

/** Device 2: opens and validates the reply. Undefined for anything invalid (wrong key, malformed state). */
export async function openLinkReply(raw: unknown, secret: string): Promise<LinkReply | 'rejected' | undefined> {
  try {
    if (typeof raw !== 'string' || raw.length > MAX_REPLY_CHARS) return undefined;
    const outer: unknown = JSON.parse(raw);
    if (!isObject(outer) || typeof outer.ct !== 'string') return undefined;
    const inner = await decryptWith(outer.ct, secret);
    if (isObject(inner) && inner.t === 'link-rejected') return 'rejected';
    if (!isObject(inner) || inner.t !== 'link-reply' || !isObject(inner.identity)) return undefined;
    const id = inner.identity;
    if (!isKeyPair(id.pair) || typeof id.name !== 'string' || typeof id.createdAt !== 'number') return undefined;
    const pair = { pub: id.pair.pub, priv: id.pair.priv, epub: id.pair.epub, epriv: id.pair.epriv };
    return { identity: { pair, name: validateDisplayName(id.name), createdAt: id.createdAt }, state: parseAccountState(inner.state) };
  } catch {
    return undefined;
  }
}
