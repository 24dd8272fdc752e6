import type { IdentityRecord } from '../store/schema.js';
import type { SeaPair } from '../types/gun.js';
import { createKeyPair, decryptWith, encryptWith, sha256Base64, sharedSecret, signWith, verifySigned } from './crypto.js';
import { isPub } from './ids.js';
import { validateDisplayName } from './identity.js';

/**
 * Invite links and contact requests.
 * The link carries the inviter's public keys, name and a random inbox id. The invitee writes an
 * encrypted, signed request into the content-addressed soul `#md1inbox<inbox>` under the SHA-256 of
 * the value: every GUN peer rejects any other key, so requests cannot be overwritten or deleted,
 * and the relay stores them until the (possibly offline) inviter reads them.
 */

export interface InvitePayload {
  v: 1;
  pub: string;
  epub: string;
  name: string;
  inbox: string;
}

export interface ContactRequest {
  pub: string;
  epub: string;
  name: string;
  sentAt: number;
  inbox: string;
}

export class InviteError extends Error {
  override name = 'InviteError';
}

export const INVITE_FRAGMENT = '#invite=';
const MAX_REQUEST_CHARS = 16 * 1024;
const INBOX_RE = /^[0-9a-f]{32}$/;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isEpub = (v: unknown): v is string => typeof v === 'string' && v.length > 20 && v.length < 200;

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export function encodeInviteLink(payload: InvitePayload, origin: string): string {
  return `${origin}/${INVITE_FRAGMENT}${toBase64Url(JSON.stringify(payload))}`;
}

/**
 * Parses an invite link. Any http(s) origin is accepted: a link made on another Meshdrop deployment is
 * legitimate, since the payload (keys + inbox) is what matters and the contact request is self-authenticating.
 * Throws InviteError with a message for the user.
 */
export function parseInviteLink(link: string): InvitePayload {
  const text = link.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InviteError('This is not a Meshdrop invite link. Paste the whole link you were sent.');
  }
  if (!url.hash.startsWith(INVITE_FRAGMENT)) {
    throw new InviteError('This link is not a Meshdrop invite (it has no "#invite=" part).');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InviteError('This is not a Meshdrop invite link (it must start with https:// or http://).');
  }
  const damaged = new InviteError('This invite link is damaged or incomplete. Ask for a new one.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(url.hash.slice(INVITE_FRAGMENT.length)));
  } catch {
    throw damaged;
  }
  if (!isObject(parsed) || parsed.v !== 1 || !isPub(parsed.pub) || !isEpub(parsed.epub) || typeof parsed.name !== 'string' || typeof parsed.inbox !== 'string' || !INBOX_RE.test(parsed.inbox)) {
    throw damaged;
  }
  let name: string;
  try {
    name = validateDisplayName(parsed.name);
  } catch {
    throw damaged;
  }
  return { v: 1, pub: parsed.pub, epub: parsed.epub, name, inbox: parsed.inbox };
}

/** Builds the request value and the key (its SHA-256) it must be stored under. */
export async function sealContactRequest(invite: InvitePayload, me: IdentityRecord, sentAt = Date.now()): Promise<{ key: string; value: string }> {
  const ephemeral = await createKeyPair();
  const secret = await sharedSecret(invite.epub, ephemeral);
  const request: ContactRequest = { pub: me.pair.pub, epub: me.pair.epub, name: me.name, sentAt, inbox: invite.inbox };
  const signed = await signWith(request, me.pair);
  const value = JSON.stringify({ e: ephemeral.epub, ct: await encryptWith(signed, secret) });
  return { key: await sha256Base64(value), value };
}

/** Decrypts and verifies a request read from my inbox. Returns undefined for anything invalid; never throws. */
export async function openContactRequest(raw: unknown, inbox: string, mine: SeaPair): Promise<ContactRequest | undefined> {
  try {
    if (typeof raw !== 'string' || raw.length > MAX_REQUEST_CHARS) return undefined;
    const outer: unknown = JSON.parse(raw);
    if (!isObject(outer) || !isEpub(outer.e) || typeof outer.ct !== 'string') return undefined;
    const secret = await sharedSecret(outer.e, mine).catch(() => undefined);
    if (!secret) return undefined;
    const signed = await decryptWith(outer.ct, secret);
    // SEA may hand back the signed string or its parsed { m, s } form.
    const parsedSigned: unknown = typeof signed === 'string' && signed.startsWith('SEA{') ? JSON.parse(signed.slice(3)) : signed;
    if (!isObject(parsedSigned) || !isObject(parsedSigned.m) || !isPub(parsedSigned.m.pub)) return undefined;
    const claimed = parsedSigned.m.pub;
    const verified = await verifySigned(parsedSigned, claimed);
    if (!isObject(verified)) return undefined;
    const { pub, epub, name, sentAt } = verified;
    if (pub !== claimed || !isEpub(epub) || typeof name !== 'string' || typeof sentAt !== 'number' || verified.inbox !== inbox) return undefined;
    return { pub, epub, name: validateDisplayName(name), sentAt, inbox };
  } catch {
    return undefined;
  }
}
