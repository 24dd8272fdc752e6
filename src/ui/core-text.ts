// The user-facing wording of the controller's coded errors and refusals, in the active language. The core keeps
// codes and an English table (for logs, stored records and non-UI callers); the UI shows these instead.
import { msg, str } from '@lit/localize';
import type { LinkErrorCode } from '../core/device-link.js';
import { REFUSAL_WORDS, type RefusalCode } from '../sync/relay-refusals.js';

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
