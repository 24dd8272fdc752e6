// The one place that maps page addresses to screens and back. Routes live in the hash (`#/chat/<id>`) so the
// relay's static server needs no change and every screen is reachable by reload, link or notification.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A screen of the app and its parameters. */
export type Route =
  | { screen: 'chats' }
  | { screen: 'chat'; id: string }
  | { screen: 'contacts'; /** Open the QR scanner at once (`#/contacts/scan`, the manifest's "Scan a code"). */ scan?: boolean }
  | { screen: 'new-group' }
  | { screen: 'group'; id: string }
  | { screen: 'settings' }
  | { screen: 'share'; id: string }
  | { screen: 'not-found'; path: string };

/** The screen shown for an empty address. */
export const HOME: Route = { screen: 'chats' };

// Channel ids and share ids are base64url/hex strings; anything else in an id segment is not ours.
const ID = /^[A-Za-z0-9_~.-]{1,200}$/;

function decodeId(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  return ID.test(id) ? id : undefined;
}

/** The route an address hash names (`#/chat/abc` → chat abc); '' and '#' and '#/' are the chat list. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '' || path === '/') return HOME;
  const parts = path.replace(/^\//, '').replace(/\/$/, '').split('/');
  const [head, arg, ...rest] = parts;
  const notFound: Route = { screen: 'not-found', path };
  if (!path.startsWith('/') || rest.length > 0) return notFound;
  switch (head) {
    case 'contacts':
      return arg === undefined ? { screen: head } : arg === 'scan' ? { screen: head, scan: true } : notFound;
    case 'chats':
    case 'new-group':
    case 'settings':
      return arg === undefined ? { screen: head } : notFound;
    case 'identity': // older name of the screen that holds identity and backup
      return arg === undefined ? { screen: 'settings' } : notFound;
    case 'chat':
    case 'group':
    case 'share': {
      const id = decodeId(arg);
      return id ? { screen: head, id } : notFound;
    }
    default:
      return notFound;
  }
}

/** The address hash of a route (the inverse of parseRoute). */
export function routeHash(route: Route): string {
  switch (route.screen) {
    case 'chat':
    case 'group':
    case 'share':
      return `#/${route.screen}/${encodeURIComponent(route.id)}`;
    case 'not-found':
      return `#${route.path}`;
    case 'contacts':
      return route.scan ? '#/contacts/scan' : '#/contacts';
    default:
      return `#/${route.screen}`;
  }
}

/** True when both name the same screen with the same parameters. */
export function sameRoute(a: Route, b: Route): boolean {
  return routeHash(a) === routeHash(b);
}

/** The invite link in the page address (`/#invite=…`), if the app was opened through one. */
export function inviteFromLocation(loc: Pick<Location, 'hash' | 'href'>): string {
  return loc.hash.startsWith('#invite=') ? loc.href : '';
}

/** The chat a route shows (a chat or its info screen), or ''. */
export function chatOfRoute(route: Route): string {
  return route.screen === 'chat' || route.screen === 'group' ? route.id : '';
}

/**
 * Keeps its host in step with the address: `route` is what the address says now; `go` pushes a history entry
 * (so back returns inside the app), `replace` swaps the current one. Hash forms that are not routes (invite and
 * share links) are handed to `onForeign` first, which may replace the address with a route.
 */
export class RouterController implements ReactiveController {
  route: Route;
  /** How the last change happened: 'pop' for back/forward/reload/link, 'push' or 'replace' for app navigation. */
  lastChange: 'pop' | 'push' | 'replace' = 'pop';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onForeign: (loc: Location) => boolean = () => false,
    private readonly onChange: (route: Route) => void = () => undefined,
  ) {
    host.addController(this);
    this.route = parseRoute(window.location.hash);
  }

  hostConnected(): void {
    window.addEventListener('hashchange', this.sync);
    window.addEventListener('popstate', this.sync);
    this.sync();
  }

  hostDisconnected(): void {
    window.removeEventListener('hashchange', this.sync);
    window.removeEventListener('popstate', this.sync);
  }

  /** Opens a screen with its own history entry (unless it is already the current one). */
  go(route: Route): void {
    if (sameRoute(route, this.route)) return;
    history.pushState(null, '', this.href(route));
    this.set(route, 'push');
  }

  /** Shows a screen in place of the current history entry (redirects, closing a screen that is gone). */
  replace(route: Route): void {
    history.replaceState(null, '', this.href(route));
    this.set(route, 'replace');
  }

  /** Leaves a screen: back in history when the app put it there, otherwise to `fallback` in place. */
  back(fallback: Route = HOME): void {
    if ((history.state as { md?: number } | null)?.md) history.back();
    else this.replace(fallback);
  }

  private href(route: Route): string {
    return window.location.pathname + window.location.search + routeHash(route);
  }

  private set(route: Route, how: 'pop' | 'push' | 'replace'): void {
    if (how === 'push') history.replaceState({ md: 1 }, '');
    this.route = route;
    this.lastChange = how;
    this.onChange(route);
    this.host.requestUpdate();
  }

  private readonly sync = () => {
    if (this.onForeign(window.location)) return;
    const route = parseRoute(window.location.hash);
    if (!sameRoute(route, this.route)) this.set(route, 'pop');
  };
}
