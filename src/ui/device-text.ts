// What the UI says about notification permission and durable storage (one table, used by settings and the shell).
import type { NotifyPermission, PersistState } from '../core/device.js';

const HOW_TO_ALLOW =
  'To turn them on, open the site settings (the icon left of the address, or the app info on Android), allow Notifications, then reload Meshdrop.';

/** The state of the notification permission, for settings. */
export const PERMISSION_TEXT: Record<NotifyPermission, string> = {
  default: 'Notifications are off. Turn them on to hear about new messages while Meshdrop is in the background.',
  granted: 'Notifications are on: new messages show a notification while Meshdrop is open but not in front.',
  denied: `Notifications are blocked for this site. ${HOW_TO_ALLOW}`,
  unsupported: 'This browser cannot show notifications.',
};

/** After asking: the prompt was dismissed or blocked without a lasting answer. */
export const DISMISSED_TEXT = `The browser did not allow notifications. ${HOW_TO_ALLOW}`;

/** What a request for notifications ended with, when it did not turn them on ('' when it did). */
export function refusalText(result: NotifyPermission): string {
  if (result === 'granted') return '';
  if (result === 'default') return DISMISSED_TEXT;
  return PERMISSION_TEXT[result];
}

/** Whether the browser keeps this origin's data under storage pressure. */
export const PERSIST_TEXT: Record<PersistState, string> = {
  persisted: 'Durable: the browser keeps this data even when the device runs low on space.',
  refused: 'Not durable: when the device runs low on space the browser may delete your identity and history. Keep a backup.',
  unsupported: 'This browser does not say whether it keeps the data when space runs low. Keep a backup.',
};
