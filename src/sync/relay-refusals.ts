/**
 * Why a relay refused a write, as a code on the wire and in words for people: the one table of that wording.
 *
 * A relay refuses a GUN put by acking it with `err: "meshdrop:<code>: <operator text>"`; the app reads the code
 * and shows the matching words (the operator text is only a fallback for codes this app does not know).
 */

/** Every refusal a Meshdrop relay can send. */
export type RefusalCode = 'relay-full' | 'quota-day' | 'quota-stored';

/** What the app shows for each refusal. */
export const REFUSAL_WORDS: Record<RefusalCode, string> = {
  'relay-full': 'This relay is full and takes no new data. Try again later or add another relay.',
  'quota-day': 'Your daily quota on this relay is used up. It resets at midnight UTC; another relay may take it now.',
  'quota-stored': 'You have used all the storage this relay allows you. Another relay may take it.',
};

/** What the relay sends with each refusal (for logs and other GUN clients). */
export const REFUSAL_WIRE_TEXT: Record<RefusalCode, string> = {
  'relay-full': 'relay disk budget is full',
  'quota-day': 'daily write quota used up',
  'quota-stored': 'stored-bytes quota used up',
};

const PREFIX = 'meshdrop:';

/** The `err` string a relay puts in its ack for a refusal. */
export function refusalError(code: RefusalCode): string {
  return `${PREFIX}${code}: ${REFUSAL_WIRE_TEXT[code]}`;
}

/** The refusal code in an ack's `err`, if it is one of ours. */
export function refusalCode(err: unknown): RefusalCode | undefined {
  if (typeof err !== 'string' || !err.startsWith(PREFIX)) return undefined;
  const code = err.slice(PREFIX.length).split(':', 1)[0] as RefusalCode;
  return code in REFUSAL_WORDS ? code : undefined;
}

/** Words to show for an error ack: ours from the table, anything else as the relay said it. */
export function refusalWords(err: unknown): string {
  const code = refusalCode(err);
  if (code) return REFUSAL_WORDS[code];
  return `The relay refused this: ${typeof err === 'string' ? err : JSON.stringify(err)}`;
}
