// The browser's device features the app uses (notification permission, durable storage, app badge), behind one
// interface so the UI never calls these APIs itself and tests can see what the app asked for.

/** Notification permission, or 'unsupported' where the browser has no notifications. */
export type NotifyPermission = NotificationPermission | 'unsupported';

/** What `navigator.storage.persist()` gave: kept under storage pressure, may be evicted, or no API. */
export type PersistState = 'persisted' | 'refused' | 'unsupported';

/** Storage use of this origin (bytes), from `navigator.storage.estimate()`. */
export interface StorageUse {
  usage: number;
  quota: number;
}

/** Device features the UI and the notifier use. */
export interface DeviceApi {
  notificationPermission(): NotifyPermission;
  /** Asks the user (must run inside a user gesture); resolves with the resulting permission. */
  requestNotifications(): Promise<NotifyPermission>;
  /** Asks for durable storage once; resolves with whether the browser keeps this origin's data. */
  persistStorage(): Promise<PersistState>;
  /** Whether storage is already durable, without asking. */
  storagePersisted(): Promise<PersistState>;
  storageUse(): Promise<StorageUse | undefined>;
  /** Shows `count` on the installed app's icon (cleared at 0) where the browser supports a badge. */
  setBadge(count: number): Promise<void>;
  /** Shows a notification through the service worker registration. */
  showNotification(title: string, options: NotificationOptions): Promise<void>;
}

type BadgeNavigator = Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };

/** The real browser's device features. */
export class BrowserDevice implements DeviceApi {
  private lastBadge = -1;

  notificationPermission(): NotifyPermission {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  async requestNotifications(): Promise<NotifyPermission> {
    if (typeof Notification === 'undefined') return 'unsupported';
    return Notification.requestPermission();
  }

  async persistStorage(): Promise<PersistState> {
    const storage = navigator.storage;
    if (!storage?.persist) return 'unsupported';
    if (await storage.persisted()) return 'persisted';
    return (await storage.persist()) ? 'persisted' : 'refused';
  }

  async storagePersisted(): Promise<PersistState> {
    const storage = navigator.storage;
    if (!storage?.persisted) return 'unsupported';
    return (await storage.persisted()) ? 'persisted' : 'refused';
  }

  async storageUse(): Promise<StorageUse | undefined> {
    const e = await navigator.storage?.estimate?.();
    return e ? { usage: e.usage ?? 0, quota: e.quota ?? 0 } : undefined;
  }

  async setBadge(count: number): Promise<void> {
    const nav = navigator as BadgeNavigator;
    if (count === this.lastBadge || !nav.setAppBadge) return;
    this.lastBadge = count;
    if (count > 0) await nav.setAppBadge(count);
    else await (nav.clearAppBadge ? nav.clearAppBadge() : nav.setAppBadge(0));
  }

  async showNotification(title: string, options: NotificationOptions): Promise<void> {
    if (!('serviceWorker' in navigator)) return;
    const registration = await navigator.serviceWorker.ready;
    await registration.showNotification(title, options);
  }
}
