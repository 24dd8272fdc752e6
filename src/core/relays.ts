/** Relay addresses as the user types them, normalised to the GUN websocket URL the app connects to. */

export class RelayUrlError extends Error {
  override name = 'RelayUrlError';
}

export const MAX_RELAYS = 8;

/** Accepts `host:port`, `http(s)://host[:port][/gun]` or `ws(s)://…`; returns `http(s)://host[:port]/gun`. */
export function normaliseRelayUrl(input: string): string {
  let raw = input.trim();
  if (!raw) throw new RelayUrlError('Enter a relay address, e.g. https://relay.example.org');
  if (!/^[a-z]+:\/\//i.test(raw)) raw = `https://${raw}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RelayUrlError(`"${input.trim()}" is not a valid address.`);
  }
  const scheme = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[url.protocol];
  if (!scheme) throw new RelayUrlError(`"${input.trim()}" must use http, https, ws or wss.`);
  if (url.username || url.password) throw new RelayUrlError('Relay addresses cannot contain a user name or password.');
  const path = url.pathname.replace(/\/+$/, '');
  const gunPath = path.endsWith('/gun') ? path : `${path}/gun`;
  return `${scheme}//${url.host}${gunPath}`;
}

/** Validates a whole list: normalised, without duplicates, at least one and at most MAX_RELAYS. */
export function normaliseRelayList(inputs: string[]): string[] {
  const list = [...new Set(inputs.filter((s) => s.trim()).map(normaliseRelayUrl))];
  if (list.length === 0) throw new RelayUrlError('Keep at least one relay, or the app cannot sync.');
  if (list.length > MAX_RELAYS) throw new RelayUrlError(`At most ${MAX_RELAYS} relays.`);
  return list;
}

/** The settings-store key of the relay list the user saved. */
export const RELAYS_SETTING = 'relays';

/** The relays the app uses: the list saved in settings, else `defaults` (the relay that served the app, any compiled in). */
export function relaysInUse(stored: unknown, defaults: readonly string[]): string[] {
  const list = Array.isArray(stored) ? stored.filter((s): s is string => typeof s === 'string') : [];
  return list.length > 0 ? list : [...defaults];
}
