import { msg, str } from '@lit/localize';
import type { MessageStatus } from '../store/schema.js';
import { getLocale } from './i18n.js';
import { errorText } from './core-text.js';

/** Display helpers shared by the chat components; pure functions so they are easy to test. */

// Intl formatters are built once per locale: `toLocale*String(locale, options)` builds a new formatter on every
// call (about a millisecond each), and the chat view formats every visible message on every render.
const FORMATS = {
  timeOfDay: { hour: '2-digit', minute: '2-digit' },
  weekdayShort: { weekday: 'short' },
  shortDate: { day: 'numeric', month: 'short' },
  shortDateYear: { day: 'numeric', month: 'short', year: 'numeric' },
  /** Same fields as `Date.prototype.toLocaleString()` without options. */
  fullDate: { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' },
  longDay: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
type DateFormats = Record<keyof typeof FORMATS, Intl.DateTimeFormat>;
const dateCache = new Map<string, DateFormats>();
const numberCache = new Map<string, { plain: Intl.NumberFormat; oneDecimal: Intl.NumberFormat; percent: Intl.NumberFormat }>();

/** The active UI locale's date formatters. */
function dates(): DateFormats {
  const locale = getLocale();
  let f = dateCache.get(locale);
  if (!f) {
    f = Object.fromEntries(Object.entries(FORMATS).map(([k, o]) => [k, new Intl.DateTimeFormat(locale, o)])) as DateFormats;
    dateCache.set(locale, f);
  }
  return f;
}

/** The active UI locale's number formatters. */
function numbers() {
  const locale = getLocale();
  let f = numberCache.get(locale);
  if (!f) {
    f = {
      plain: new Intl.NumberFormat(locale),
      oneDecimal: new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
      percent: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
    };
    numberCache.set(locale, f);
  }
  return f;
}

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** Time of day for today, weekday for the last week, otherwise a short date. */
export function formatListTime(ts: number, now = Date.now()): string {
  if (!ts) return '';
  const d = new Date(ts);
  const n = new Date(now);
  const f = dates();
  if (sameDay(d, n)) return f.timeOfDay.format(d);
  if (now - ts < 6 * 86_400_000 && ts < now) return f.weekdayShort.format(d);
  return (d.getFullYear() === n.getFullYear() ? f.shortDate : f.shortDateYear).format(d);
}

/** Time of day (hours and minutes) in the active locale. */
export function formatTime(ts: number): string {
  return dates().timeOfDay.format(ts);
}

/** A calendar date (day, month, year) in the active locale. */
export function formatDate(ts: number): string {
  return dates().shortDateYear.format(ts);
}

/** Date and time in full, for tooltips. */
export function formatFullDate(ts: number): string {
  return dates().fullDate.format(ts);
}

/** A day separator: today, yesterday, or the long date. */
export function formatDay(ts: number, now = Date.now()): string {
  const d = new Date(ts);
  if (sameDay(d, new Date(now))) return msg('Today');
  if (sameDay(d, new Date(now - 86_400_000))) return msg('Yesterday');
  return dates().longDay.format(d);
}

/** The local calendar date as YYYY-MM-DD (for a <time datetime>). */
export function isoDate(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** Screen-reader label of an unread badge. */
export function unreadLabel(count: number): string {
  return count === 1 ? msg('1 unread message') : msg(str`${formatNumber(count)} unread messages`);
}

/** A count in the active locale (digit grouping). */
export function formatNumber(n: number): string {
  return numbers().plain.format(n);
}

const listCache = new Map<string, Intl.ListFormat>();

/** "a, b and c" in the active locale. */
export function formatList(items: readonly string[]): string {
  const locale = getLocale();
  let f = listCache.get(locale);
  if (!f) listCache.set(locale, (f = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' })));
  return f.format(items);
}

/** A whole percentage (0–100) in the active locale. */
export function formatPercent(pct: number): string {
  return numbers().percent.format(pct / 100);
}

export interface StatusLook {
  icon: string;
  label: string;
}

/** Icon (decorative) and the words a screen reader hears for the state of a message I sent. */
export function statusLook(status: MessageStatus): StatusLook {
  switch (status) {
    case 'pending':
      return { icon: '🕓', label: msg('Pending') };
    case 'sent':
      return { icon: '✓', label: msg('Sent') };
    case 'delivered':
      return { icon: '✓✓', label: msg('Delivered') };
    case 'failed':
      return { icon: '⚠', label: msg('Failed to send') };
    case 'received':
      return { icon: '', label: msg('Received') };
  }
}

export function formatBytes(n: number): string {
  // Unit symbols are the same in every shipped language; only the number is localised.
  if (n < 1024) return `${numbers().plain.format(n)} B`;
  if (n < 1024 * 1024) return `${numbers().oneDecimal.format(n / 1024)} KB`;
  return `${numbers().oneDecimal.format(n / 1024 / 1024)} MB`;
}

/** What to tell the user about an error, in the active language where the error has a code (see core-text.ts). */
export function messageOf(err: unknown): string {
  return errorText(err);
}
