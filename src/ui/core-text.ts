// The user-facing wording of the controller's coded errors and refusals, in the active language. The core keeps
// codes and an English table (for logs, stored records and non-UI callers); the UI shows these instead.
import { msg, str } from '@lit/localize';
import type { LinkErrorCode } from '../core/device-link.js';
import { REFUSAL_WORDS, type RefusalCode } from '../sync/relay-refusals.js';
import { DELETED_PREVIEW } from '../core/views.js';
import type { PushErrorCode } from '../core/push-service.js';
import type { NotificationWords, StoredNotificationWords } from '../core/notifier.js';

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
    return controllerErrorText(err.message);
  }
  return String(err);
}

/**
 * The controller's error messages (ChatError, GroupError, IdentityError, InviteError, RelayUrlError,
 * FileTooLargeError: English text without codes) in the active language, recognised by form. A message not listed
 * here is shown as the controller wrote it.
 */
export function controllerErrorText(text: string): string {
  switch (text) {
    case 'This chat does not exist on this device.':
      return msg('This chat does not exist on this device.');
    case 'This chat is closed: you are no longer a member.':
      return msg('This chat is closed: you are no longer a member.');
    case 'Type a message first.':
      return msg('Type a message first.');
    case 'The message could not be stored.':
      return msg('The message could not be stored.');
    case 'The file message could not be stored.':
      return msg('The file message could not be stored.');
    case 'That message cannot be answered.':
      return msg('That message cannot be answered.');
    case 'The change could not be sent.':
      return msg('The change could not be sent.');
    case 'This chat has no key yet; wait until the group admin shares it.':
      return msg('This chat has no key yet; wait until the group admin shares it.');
    case 'This is your own invite link. Send it to the person you want to add.':
      return msg('This is your own invite link. Send it to the person you want to add.');
    case 'That message is not in this chat.':
      return msg('That message is not in this chat.');
    case 'That message was deleted.':
      return msg('That message was deleted.');
    case 'That change is not valid.':
      return msg('That change is not valid.');
    case 'A reaction is a single emoji.':
      return msg('A reaction is a single emoji.');
    case 'You can only edit your own text messages.':
      return msg('You can only edit your own text messages.');
    case 'You can only delete your own messages for everyone.':
      return msg('You can only delete your own messages for everyone.');
    case 'The backup file is damaged (its contacts and chats cannot be read).':
      return msg('The backup file is damaged (its contacts and chats cannot be read).');
    case 'No file selected.':
      return msg('No file selected.');
    case 'Only your contacts can be added to a group.':
      return msg('Only your contacts can be added to a group.');
    case 'Give the group a name.':
      return msg('Give the group a name.');
    case 'Pick at least one contact for the group.':
      return msg('Pick at least one contact for the group.');
    case 'There is no such group.':
      return msg('There is no such group.');
    case 'You are no longer a member of this group.':
      return msg('You are no longer a member of this group.');
    case 'Only the group admin can change its members.':
      return msg('Only the group admin can change its members.');
    case 'Those contacts are already in the group.':
      return msg('Those contacts are already in the group.');
    case 'That person is not a member of this group.':
      return msg('That person is not a member of this group.');
    case 'Please enter a display name.':
      return msg('Please enter a display name.');
    case 'Display names cannot contain control characters.':
      return msg('Display names cannot contain control characters.');
    case 'This file is not a Meshdrop backup (it is not valid JSON).':
      return msg('This file is not a Meshdrop backup (it is not valid JSON).');
    case 'This file is not a Meshdrop backup.':
      return msg('This file is not a Meshdrop backup.');
    case 'The backup file is damaged.':
      return msg('The backup file is damaged.');
    case 'Wrong passphrase, or the backup file is damaged.':
      return msg('Wrong passphrase, or the backup file is damaged.');
    case 'This is not a Meshdrop invite link. Paste the whole link you were sent.':
      return msg('This is not a Meshdrop invite link. Paste the whole link you were sent.');
    case 'This link is not a Meshdrop invite (it has no "#invite=" part).':
      return msg('This link is not a Meshdrop invite (it has no "#invite=" part).');
    case 'This is not a Meshdrop invite link (it must start with https:// or http://).':
      return msg('This is not a Meshdrop invite link (it must start with https:// or http://).');
    case 'This invite link is damaged or incomplete. Ask for a new one.':
      return msg('This invite link is damaged or incomplete. Ask for a new one.');
    case 'Please name this device.':
      return msg('Please name this device.');
    case 'Device names cannot contain control characters.':
      return msg('Device names cannot contain control characters.');
    case 'Please enter a name for this device.':
      return msg('Please enter a name for this device.');
    case 'Create or import an identity first.':
      return msg('Create or import an identity first.');
    case 'This device already has an identity.':
      return msg('This device already has an identity.');
    case 'There is no identity to back up yet.':
      return msg('There is no identity to back up yet.');
    case 'This device already has a different identity. Confirm replacing it first.':
      return msg('This device already has a different identity. Confirm replacing it first.');
    case 'Enter a relay address, e.g. https://relay.example.org':
      return msg('Enter a relay address, e.g. https://relay.example.org');
    case 'Relay addresses cannot contain a user name or password.':
      return msg('Relay addresses cannot contain a user name or password.');
    case 'Sign in and open a chat before sending files.':
      return msg('Sign in and open a chat before sending files.');
    case 'Sign in and open a chat before sharing.':
      return msg('Sign in and open a chat before sharing.');
    case 'This shared item is no longer available.':
      return msg('This shared item is no longer available.');
    case 'Some parts were lost from local storage; the file could not be assembled.':
      return msg('Some parts were lost from local storage; the file could not be assembled.');
    case 'The received file does not match its SHA-256 checksum; it was discarded.':
      return msg('The received file does not match its SHA-256 checksum; it was discarded.');
    case 'Keep at least one relay, or the app cannot sync.':
      return msg('Keep at least one relay, or the app cannot sync.');
  }
  let m: RegExpExecArray | null;
  if ((m = /^Messages can be at most (\d+) characters \(this one has (\d+)\)\.$/.exec(text))) return msg(str`Messages can be at most ${m[1]} characters (this one has ${m[2]}).`);
  if ((m = /^Group names can be at most (\d+) characters\.$/.exec(text))) return msg(str`Group names can be at most ${m[1]} characters.`);
  if ((m = /^A group can have at most (\d+) members\.$/.exec(text))) return msg(str`A group can have at most ${m[1]} members.`);
  if ((m = /^Display names can be at most (\d+) characters\.$/.exec(text))) return msg(str`Display names can be at most ${m[1]} characters.`);
  if ((m = /^Device names can be at most (\d+) characters\.$/.exec(text))) return msg(str`Device names can be at most ${m[1]} characters.`);
  if ((m = /^Use a passphrase of at least (\d+) characters\.$/.exec(text))) return msg(str`Use a passphrase of at least ${m[1]} characters.`);
  if ((m = /^Unsupported backup version (.*)\.$/s.exec(text))) return msg(str`Unsupported backup version ${m[1]}.`);
  if ((m = /^"(.*)" is not a valid address\.$/s.exec(text))) return msg(str`"${m[1]}" is not a valid address.`);
  if ((m = /^"(.*)" must use http, https, ws or wss\.$/s.exec(text))) return msg(str`"${m[1]}" must use http, https, ws or wss.`);
  if ((m = /^At most (\d+) relays\.$/.exec(text))) return msg(str`At most ${m[1]} relays.`);
  if ((m = /^(.*) is over the (\S+ \S+) limit per file\. Nothing was sent\.$/s.exec(text))) return msg(str`${m[1]} is over the ${m[2]} limit per file. Nothing was sent.`);
  if ((m = /^(.*) are over the (\S+ \S+) limit per file\. Nothing was sent\.$/s.exec(text))) return msg(str`${m[1]} are over the ${m[2]} limit per file. Nothing was sent.`);
  if ((m = /^“(.*)” would need more than (\d+) parts\.$/s.exec(text))) return msg(str`“${m[1]}” would need more than ${m[2]} parts.`);
  return text;
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

/**
 * A file transfer's failure in the active language. It is stored with the file as the English words of
 * BLOB_ERROR_TEXT (src/core/file-service.ts, not imported here: the UI does not load the storage layer), so it is
 * recognised by its words; test/ui/i18n.test.ts checks every entry of that table is covered.
 */
export function fileErrorText(stored: string): string {
  switch (stored) {
    case 'File expired on the relay — ask the sender to send it again.':
      return msg('File expired on the relay — ask the sender to send it again.');
    case 'The relay’s upload quota for your address is used up for today; try again tomorrow or use another relay.':
      return msg('The relay’s upload quota for your address is used up for today; try again tomorrow or use another relay.');
    case 'This relay is full and cannot take the file; try again later or use another relay.':
      return msg('This relay is full and cannot take the file; try again later or use another relay.');
    case 'The relay refused a part of this file as too large.':
      return msg('The relay refused a part of this file as too large.');
    case 'The relay refused the file.':
      return msg('The relay refused the file.');
    case 'No relay could be reached.':
      return msg('No relay could be reached.');
    case 'The file changed on disk while it was being sent; send it again.':
      return msg('The file changed on disk while it was being sent; send it again.');
    case 'The file’s data was lost from this device’s storage; send it again.':
      return msg('The file’s data was lost from this device’s storage; send it again.');
    default:
      return controllerErrorText(stored);
  }
}

/** Notification wording without a preview, in the active language (the page hands it to the notifier). */
export const notificationWords: NotificationWords = {
  sentFile: (author) => msg(str`${author} sent a file`),
  sentMessage: (author) => msg(str`${author} sent a message`),
};

/**
 * The notification words of the active language as templates for the service worker (push notifications while no
 * page is open; stored by the controller, read in sw/push-preview.ts).
 */
export function storedNotificationWords(): StoredNotificationWords {
  const chat = '{chat}';
  return {
    newMessageIn: msg(str`New message in ${chat}`),
    openToRead: msg('Open Meshdrop to read it.'),
    sentFile: notificationWords.sentFile('{author}'),
    sentMessage: notificationWords.sentMessage('{author}'),
  };
}
