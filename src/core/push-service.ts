/**
 * Web Push through the relays (issue 10 item 4): subscribes this device's service worker with the relays' VAPID
 * key, registers the subscription with every relay together with the souls this device follows, keeps that list
 * current as chats change, and removes it from every relay when turned off. See docs/PROTOCOL.md "Push".
 */
import type { MeshdropDatabase } from '../store/db.js';
import { listChannels } from '../store/channels-store.js';
import { getSetting, setSetting } from '../store/settings-store.js';

/** One relay's part in push: whether it holds this device's registration, or why not. */
export interface PushRelayState {
  relay: string;
  registered: boolean;
  /** Code from PUSH_MESSAGES ('' when registered). */
  error: PushErrorCode | '';
  /** Detail from the relay (its message), for the curious. */
  detail: string;
}

/** What the settings screen shows. */
export interface PushStatus {
  /** This browser can receive pushes (or a test handed it a subscription). */
  supported: boolean;
  permission: NotificationPermission | 'unsupported';
  enabled: boolean;
  busy: boolean;
  relays: PushRelayState[];
  /** Code of the last failure, '' if none. */
  error: PushErrorCode | '';
  /** Souls registered (chats × members), for the curious. */
  souls: number;
}

/** Error codes, with the wording the UI shows (one table, here). */
export const PUSH_MESSAGES = {
  unsupported: 'This browser cannot receive push notifications (no service worker or Push API). Notifications still appear while the app is open.',
  'permission-denied': 'Notifications are blocked for this app. Allow them in the browser’s site settings (the icon left of the address), then turn this on again.',
  'no-relay-key': 'None of your relays offers push notifications (they did not answer with a push key). Check the relays in settings.',
  'subscribe-failed': 'The browser could not subscribe to its push service. Try again later.',
  'relay-refused': 'The relay refused the registration.',
  'relay-unreachable': 'The relay could not be reached; it will be asked again when the app next starts.',
  'other-key': 'This relay uses a different push key than your first relay, so it cannot send to this device (relays of one mesh can share a key, see README).',
} as const;

/** A code from PUSH_MESSAGES. */
export type PushErrorCode = keyof typeof PUSH_MESSAGES;

/** What a browser's PushSubscription.toJSON() gives. */
export interface PushSubscriptionData {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

interface PushSetting {
  enabled: boolean;
  subscription?: PushSubscriptionData;
  vapidKey?: string;
  /** Relays that hold (or may hold) this device's registration: removed from all of them on disable. */
  registeredWith: string[];
  /** Relays a removal could not reach yet: retried on start. */
  removeFrom?: { relay: string; endpoint: string }[];
}

const SETTING = 'push';
const isSetting = (v: unknown): v is PushSetting => typeof v === 'object' && v !== null && Array.isArray((v as PushSetting).registeredWith);

/** Largest soul list sent (the relay's limit per registration). */
export const MAX_PUSH_SOULS = 2000;

/** Test hook: headless Chromium cannot subscribe (no push service), so e2e tests hand the app a subscription here. */
export const TEST_SUBSCRIPTION_GLOBAL = '__meshdropTestPushSubscription';

/** The HTTP base of a relay from its GUN URL (`http://host:port/gun` → `http://host:port`). */
export const relayBase = (gunUrl: string): string => gunUrl.replace(/\/gun\/?$/, '');

/** Souls a device follows for push: every other member's message node of every open chat. */
export async function pushSouls(db: MeshdropDatabase): Promise<string[]> {
  const souls: string[] = [];
  for (const c of await listChannels(db)) {
    if (c.closed) continue;
    for (const member of c.members) souls.push(`~${member}/md1/c/${c.id}`);
  }
  return [...new Set(souls)].slice(0, MAX_PUSH_SOULS);
}

class PushFailure extends Error {
  constructor(readonly code: PushErrorCode) {
    super(PUSH_MESSAGES[code]);
  }
}

async function relayJson(url: string, init?: RequestInit): Promise<{ status: number; body: { publicKey?: string; error?: { message?: string } } }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000), headers: init?.body ? { 'Content-Type': 'application/json' } : {} });
  let body = {};
  try {
    body = (await res.json()) as object;
  } catch {
    /* not JSON: an old relay without push, or a proxy page */
  }
  return { status: res.status, body };
}

/** Base64url of an ArrayBuffer (PushSubscription.options.applicationServerKey). */
const b64u = (buf: ArrayBuffer): string => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Opt-in Web Push for this device. Emits 'change' whenever status() would answer differently. */
export class PushService extends EventTarget {
  private setting: PushSetting = { enabled: false, registeredWith: [] };
  private relayStates: PushRelayState[] = [];
  private lastError: PushErrorCode | '' = '';
  private busy = false;
  private registeredSouls = '';
  private soulCount = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: MeshdropDatabase,
    private readonly relays: () => readonly string[],
  ) {
    super();
  }

  /** Loads the stored state; if push is on, registers again (relays may have lost it; chats may have changed). */
  async start(): Promise<void> {
    this.setting = (await getSetting(this.db, SETTING, isSetting)) ?? this.setting;
    if (this.setting.removeFrom?.length) void this.serial(() => this.retryRemovals());
    if (this.setting.enabled) {
      void this.serial(() => this.register()).catch((err: unknown) => {
        this.lastError = err instanceof PushFailure ? err.code : 'subscribe-failed';
        this.changed();
      });
    }
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  private testSubscription(): PushSubscriptionData | undefined {
    return (globalThis as Record<string, unknown>)[TEST_SUBSCRIPTION_GLOBAL] as PushSubscriptionData | undefined;
  }

  private get supported(): boolean {
    if (this.testSubscription()) return true;
    return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof PushManager !== 'undefined' && typeof Notification !== 'undefined';
  }

  status(): PushStatus {
    return {
      supported: this.supported,
      permission: typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
      enabled: this.setting.enabled,
      busy: this.busy,
      relays: this.relayStates,
      error: this.lastError,
      souls: this.soulCount,
    };
  }

  /** Asks for permission, subscribes and registers with every relay. Resolves with the new status (errors in it). */
  enable(): Promise<PushStatus> {
    return this.serial(async () => {
      this.busy = true;
      this.lastError = '';
      this.changed();
      try {
        if (!this.supported) throw new PushFailure('unsupported');
        const permission = await Notification.requestPermission();
        if (permission !== 'granted') throw new PushFailure('permission-denied');
        this.setting = { ...this.setting, enabled: true };
        await this.register(true);
      } catch (err) {
        this.lastError = err instanceof PushFailure ? err.code : 'subscribe-failed';
        if (!(err instanceof PushFailure)) console.warn('meshdrop: push subscribe failed', err);
        this.setting = { ...this.setting, enabled: false };
        await setSetting(this.db, SETTING, this.setting);
      } finally {
        this.busy = false;
        this.changed();
      }
      return this.status();
    });
  }

  /** Removes the registration from every relay that may hold it and unsubscribes the browser. */
  disable(): Promise<PushStatus> {
    return this.serial(async () => {
      this.busy = true;
      this.lastError = '';
      this.changed();
      const endpoint = this.setting.subscription?.endpoint;
      const relays = [...new Set([...this.setting.registeredWith, ...this.relays()])];
      const failed: { relay: string; endpoint: string }[] = [];
      this.relayStates = [];
      if (endpoint) {
        await Promise.all(
          relays.map(async (relay) => {
            try {
              const r = await relayJson(`${relayBase(relay)}/push/unsubscribe`, { method: 'POST', body: JSON.stringify({ endpoint }) });
              if (r.status >= 500) throw new Error(String(r.status));
            } catch {
              failed.push({ relay, endpoint });
              this.relayStates.push({ relay, registered: true, error: 'relay-unreachable', detail: '' });
            }
          }),
        );
      }
      try {
        if (!this.testSubscription() && this.supported) await (await this.browserSubscription())?.unsubscribe();
      } catch {
        /* the browser dropped it already */
      }
      this.setting = { enabled: false, registeredWith: [], removeFrom: [...(this.setting.removeFrom ?? []), ...failed] };
      this.registeredSouls = '';
      this.soulCount = 0;
      await setSetting(this.db, SETTING, this.setting);
      this.busy = false;
      this.changed();
      return this.status();
    });
  }

  /** Chats changed: register the new soul list (debounced; only when it differs from what the relays hold). */
  channelsChanged(): void {
    if (!this.setting.enabled) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.serial(() => this.register()).catch(() => undefined), 500);
  }

  private async browserSubscription(): Promise<PushSubscription | null> {
    const reg = await navigator.serviceWorker.ready;
    return reg.pushManager.getSubscription();
  }

  /** A subscription for `vapidKey`: the test's, the browser's current one if made with that key, or a new one. */
  private async subscription(vapidKey: string): Promise<PushSubscriptionData> {
    const test = this.testSubscription();
    if (test) return test;
    const reg = await navigator.serviceWorker.ready;
    let sub = await reg.pushManager.getSubscription();
    const key = sub?.options.applicationServerKey;
    if (sub && (!key || b64u(key) !== vapidKey)) {
      await sub.unsubscribe();
      sub = null;
    }
    sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: vapidKey });
    const json = sub.toJSON() as PushSubscriptionData;
    return { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } };
  }

  /** Registers with every relay whose key matches; `force` also when the soul list did not change. */
  private async register(force = false): Promise<void> {
    const souls = await pushSouls(this.db);
    const soulKey = souls.join('\n');
    if (!force && soulKey === this.registeredSouls && this.relayStates.every((s) => s.registered || s.error === 'other-key')) return;
    const relays = [...this.relays()];
    const keys = await Promise.all(
      relays.map(async (relay) => {
        try {
          const r = await relayJson(`${relayBase(relay)}/push/vapid`);
          return typeof r.body.publicKey === 'string' ? r.body.publicKey : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    // The subscription is bound to one VAPID key: keep the one used before if a relay still offers it.
    const vapidKey = keys.find((k) => k !== undefined && k === this.setting.vapidKey) ?? keys.find((k) => k !== undefined);
    if (!vapidKey) throw new PushFailure('no-relay-key');
    let subscription: PushSubscriptionData;
    try {
      subscription = await this.subscription(vapidKey);
    } catch (err) {
      console.warn('meshdrop: push subscribe failed', err);
      throw new PushFailure('subscribe-failed');
    }
    const states = await Promise.all(
      relays.map(async (relay, i): Promise<PushRelayState> => {
        if (keys[i] === undefined) return { relay, registered: false, error: 'relay-unreachable', detail: '' };
        if (keys[i] !== vapidKey) return { relay, registered: false, error: 'other-key', detail: '' };
        try {
          const r = await relayJson(`${relayBase(relay)}/push/subscribe`, { method: 'POST', body: JSON.stringify({ subscription, souls }) });
          if (r.status === 201) return { relay, registered: true, error: '', detail: '' };
          return { relay, registered: false, error: 'relay-refused', detail: r.body.error?.message ?? `HTTP ${r.status}` };
        } catch {
          return { relay, registered: false, error: 'relay-unreachable', detail: '' };
        }
      }),
    );
    const previous = this.setting.subscription?.endpoint;
    // The browser replaced its subscription: the old endpoint goes from every relay that had it.
    const stale = previous && previous !== subscription.endpoint ? this.setting.registeredWith.map((relay) => ({ relay, endpoint: previous })) : [];
    this.setting = {
      ...this.setting,
      removeFrom: [...(this.setting.removeFrom ?? []), ...stale],
      enabled: true,
      subscription,
      vapidKey,
      // Relays that held an older endpoint stay listed until it is removed; these hold the current one.
      registeredWith: [...new Set([...relays, ...(previous === subscription.endpoint ? this.setting.registeredWith : [])])],
    };
    await setSetting(this.db, SETTING, this.setting);
    if (stale.length) await this.retryRemovals();
    this.relayStates = states;
    this.registeredSouls = soulKey;
    this.soulCount = souls.length;
    if (!states.some((s) => s.registered)) this.lastError = states[0]?.error || 'no-relay-key';
    this.changed();
  }

  private async retryRemovals(): Promise<void> {
    const left: { relay: string; endpoint: string }[] = [];
    for (const item of this.setting.removeFrom ?? []) {
      try {
        const r = await relayJson(`${relayBase(item.relay)}/push/unsubscribe`, { method: 'POST', body: JSON.stringify({ endpoint: item.endpoint }) });
        if (r.status >= 500) left.push(item);
      } catch {
        left.push(item);
      }
    }
    this.setting = { ...this.setting, removeFrom: left };
    await setSetting(this.db, SETTING, this.setting);
  }

  close(): void {
    clearTimeout(this.refreshTimer);
  }
}
