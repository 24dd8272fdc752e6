// The user-facing wording of the controller's coded errors and refusals, in the active language. The core keeps
// codes and an English table (for logs, stored records and non-UI callers); the UI shows these instead.
import { msg, str } from '@lit/localize';
import type { LinkErrorCode } from '../core/device-link.js';
import { REFUSAL_WORDS, type RefusalCode } from '../sync/relay-refusals.js';
import { DELETED_PREVIEW } from '../core/views.js';
import type { PushErrorCode } from '../core/push-service.js';

/** A device-link problem, by code. */
export function linkErrorText(code: LinkErrorCode): string {
  switch (code) {
    case 'not-a-link':
      return msg('This is not a Meshdrop device link. On your other device open "Link a new device" and copy the whole link.');
    case 'damaged':
      return msg('This device link is damaged or incomplete. Make a new one on your other device.');
    case 'expired':
      return msg('This device link has expired. Make a new one on your other device ("Link a new device").');
    case 'has-identity':
      return msg('This device already has an identity. Linking needs a fresh profile.');
    case 'no-answer':
      return msg('Your other device did not answer before the link expired. Make a new link and confirm it on that device.');
    case 'rejected':
      return msg('The link request was refused on your other device.');
  }
}

/** A relay refusal, by code. */
export function refusalCodeText(code: RefusalCode): string {
  switch (code) {
    case 'relay-full':
      return msg('This relay is full and takes no new data. Try again later or add another relay.');
    case 'quota-day':
      return msg('Your daily quota on this relay is used up. It resets at midnight UTC; another relay may take it now.');
    case 'quota-stored':
      return msg('You have used all the storage this relay allows you. Another relay may take it.');
  }
}

const OTHER_REFUSAL = 'The relay refused this: ';

/**
 * The reason stored with a failed message (the English words of relay-refusals.ts, kept in IndexedDB) in the
 * active language; a reason this table does not know is shown as stored.
 */
export function failReasonText(reason: string): string {
  for (const [code, words] of Object.entries(REFUSAL_WORDS) as [RefusalCode, string][]) if (words === reason) return refusalCodeText(code);
  if (reason.startsWith(OTHER_REFUSAL)) return msg(str`The relay refused this: ${reason.slice(OTHER_REFUSAL.length)}`);
  return reason;
}

/** An error's words for the user: coded errors from the tables above, anything else by its message. */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if (err.name === 'LinkError' && typeof code === 'string') return linkErrorText(code as LinkErrorCode);
    return err.message;
  }
  return String(err);
}

/**
 * The notes the controller writes into a chat (kind 'system': group created, member added, contact connected…)
 * in the active language. They are stored as English text (src/core/group-service.ts, contacts-service.ts), so
 * they are recognised by form; a note of a form not listed here is shown as stored.
 */
export function noteText(text: string): string {
  if (text === 'You left the group.') return msg('You left the group.');
  if (text === 'You were removed from this group.') return msg('You were removed from this group.');
  let m: RegExpExecArray | null;
  if ((m = /^You created the group “(.*)”\.$/s.exec(text))) return msg(str`You created the group “${m[1]}”.`);
  if (text === 'You removed a member.') return msg('You removed a member.');
  if ((m = /^You removed (.*)\.$/s.exec(text))) return msg(str`You removed ${m[1]}.`);
  if ((m = /^You added (.*)\.$/s.exec(text))) return msg(str`You added ${m[1]}.`);
  if ((m = /^(.*) added you to “(.*)”\.$/s.exec(text))) return msg(str`${m[1]} added you to “${m[2]}”.`);
  if ((m = /^(.*) joined; (.*) left or were removed\.$/s.exec(text))) return msg(str`${m[1]} joined; ${m[2]} left or were removed.`);
  if ((m = /^(.*) joined\.$/s.exec(text))) return msg(str`${m[1]} joined.`);
  if ((m = /^(.*) left or were removed\.$/s.exec(text))) return msg(str`${m[1]} left or were removed.`);
  if ((m = /^(.*) \(the admin\) left\. The group is closed\.$/s.exec(text))) return msg(str`${m[1]} (the admin) left. The group is closed.`);
  if ((m = /^(.*) left the group\.$/s.exec(text))) return msg(str`${m[1]} left the group.`);
  if ((m = /^(.*) accepted your invite\. You are now connected\.$/s.exec(text))) return msg(str`${m[1]} accepted your invite. You are now connected.`);
  if ((m = /^(.*) received your request\. You are now connected\.$/s.exec(text))) return msg(str`${m[1]} received your request. You are now connected.`);
  return text;
}

/** A chat's last-message preview: the deleted marker and notes in the active language, message text as is. */
export function previewText(preview: string): string {
  return preview === DELETED_PREVIEW ? msg('Message deleted') : noteText(preview);
}

/** A Web Push problem (src/core/push-service.ts PUSH_MESSAGES), by code. */
export function pushErrorText(code: PushErrorCode): string {
  switch (code) {
    case 'unsupported':
      return msg('This browser cannot receive push notifications (no service worker or Push API). Notifications still appear while the app is open.');
    case 'permission-denied':
      return msg('Notifications are blocked for this app. Allow them in the browser’s site settings (the icon left of the address), then turn this on again.');
    case 'no-relay-key':
      return msg('None of your relays offers push notifications (they did not answer with a push key). Check the relays in settings.');
    case 'subscribe-failed':
      return msg('The browser could not subscribe to its push service. Try again later.');
    case 'relay-refused':
      return msg('The relay refused the registration.');
    case 'relay-unreachable':
      return msg('The relay could not be reached; it will be asked again when the app next starts.');
    case 'other-key':
      return msg('This relay uses a different push key than your first relay, so it cannot send to this device (relays of one mesh can share a key, see README).');
  }
}
