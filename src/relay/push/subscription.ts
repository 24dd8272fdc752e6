import { PushInputError } from './errors.js';

/** The parts of a browser PushSubscription (its toJSON()) a relay needs to send to it. */
export interface StoredSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** Longest endpoint URL accepted (real ones are under 600 characters). */
export const MAX_ENDPOINT_LENGTH = 1024;

const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Decoded length of a base64url string, or -1 if it is not base64url. */
function decodedLength(s: string): number {
  if (!B64URL.test(s)) return -1;
  return Buffer.from(s.replace(/=+$/, ''), 'base64url').length;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks a PushSubscription JSON from an app. The endpoint must be https (the relay POSTs to it, so anything else
 * would let apps aim the relay at plain-http services); http to a loopback address only when `allowLoopbackHttp`
 * (tests' stand-in push service). p256dh must be an uncompressed P-256 point (65 bytes starting 0x04), auth 16 bytes.
 */
export function parseSubscription(value: unknown, allowLoopbackHttp: boolean): StoredSubscription {
  const bad = (code: string, message: string) => new PushInputError(400, code, message);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('bad-subscription', 'subscription must be an object {endpoint, keys: {p256dh, auth}}.');
  const { endpoint, keys } = value as { endpoint?: unknown; keys?: unknown };
  if (typeof endpoint !== 'string' || endpoint.length === 0) throw bad('bad-endpoint', 'subscription.endpoint must be a URL string.');
  if (endpoint.length > MAX_ENDPOINT_LENGTH) throw bad('bad-endpoint', `subscription.endpoint is longer than ${MAX_ENDPOINT_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw bad('bad-endpoint', 'subscription.endpoint is not a URL.');
  }
  if (url.username || url.password) throw bad('bad-endpoint', 'subscription.endpoint must not carry a user name or password.');
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(loopbackHttp && allowLoopbackHttp)) {
    throw bad('endpoint-not-https', 'subscription.endpoint must be an https:// URL (a push service).');
  }
  if (typeof keys !== 'object' || keys === null) throw bad('bad-keys', 'subscription.keys must be an object {p256dh, auth}.');
  const { p256dh, auth } = keys as { p256dh?: unknown; auth?: unknown };
  if (typeof p256dh !== 'string' || decodedLength(p256dh) !== 65 || Buffer.from(p256dh, 'base64url')[0] !== 4) {
    throw bad('bad-p256dh', 'subscription.keys.p256dh must be a 65-byte uncompressed P-256 public key in base64url.');
  }
  if (typeof auth !== 'string' || decodedLength(auth) !== 16) throw bad('bad-auth', 'subscription.keys.auth must be 16 bytes in base64url.');
  return { endpoint: url.href === endpoint ? endpoint : url.href, keys: { p256dh, auth } };
}

/** Souls an app may follow for push: a member's message node `~<pub>/md1/c/<channelId>` (see docs/PROTOCOL.md). */
export const PUSH_SOUL = /^~[A-Za-z0-9_.-]{20,100}\/md1\/c\/([0-9a-f]{32})$/;

/** The opaque channel id in a push soul. */
export const channelOfSoul = (soul: string): string | undefined => PUSH_SOUL.exec(soul)?.[1];
