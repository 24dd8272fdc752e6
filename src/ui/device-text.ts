// What the UI says about notification permission and durable storage (one table, used by settings and the shell).
// Functions, not constants: the wording is looked up in the active language each time it is shown.
import { msg, str } from '@lit/localize';
import type { NotifyPermission, PersistState } from '../core/device.js';

const howToAllow = () =>
  msg('To turn them on, open the site settings (the icon left of the address, or the app info on Android), allow Notifications, then reload Meshdrop.');

/** The state of the notification permission, for settings. */
export function permissionText(permission: NotifyPermission): string {
  switch (permission) {
    case 'default':
      return msg('Notifications are off. Turn them on to hear about new messages while Meshdrop is in the background.');
    case 'granted':
      return msg('Notifications are on: new messages show a notification while Meshdrop is open but not in front.');
    case 'denied':
      return msg(str`Notifications are blocked for this site. ${howToAllow()}`);
    case 'unsupported':
      return msg('This browser cannot show notifications.');
  }
}

/** After asking: the prompt was dismissed or blocked without a lasting answer. */
export function dismissedText(): string {
  return msg(str`The browser did not allow notifications. ${howToAllow()}`);
}

/** What a request for notifications ended with, when it did not turn them on ('' when it did). */
export function refusalText(result: NotifyPermission): string {
  if (result === 'granted') return '';
  if (result === 'default') return dismissedText();
  return permissionText(result);
}

/** Whether the browser keeps this origin's data under storage pressure. */
export function persistText(state: PersistState): string {
  switch (state) {
    case 'persisted':
      return msg('Durable: the browser keeps this data even when the device runs low on space.');
    case 'refused':
      return msg('Not durable: when the device runs low on space the browser may delete your identity and history. Keep a backup.');
    case 'unsupported':
      return msg('This browser does not say whether it keeps the data when space runs low. Keep a backup.');
  }
}
