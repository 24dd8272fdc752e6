import type { MessageStatus } from '../store/schema.js';

/** Display helpers shared by the chat components; pure functions so they are easy to test. */

// Intl.DateTimeFormat instances are built once: `toLocale*String(locale, options)` builds a new formatter on
// every call (about a millisecond each), and the chat view formats every visible message on every render.
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekdayShort = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const shortDateYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
/** Same fields as `Date.prototype.toLocaleString()` without options. */
const fullDate = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
const longDay = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** Time of day for today, weekday for the last week, otherwise a short date. */
export function formatListTime(ts: number, now = Date.now()): string {
  if (!ts) return '';
  const d = new Date(ts);
  const n = new Date(now);
  if (sameDay(d, n)) return timeOfDay.format(d);
  if (now - ts < 6 * 86_400_000 && ts < now) return weekdayShort.format(d);
  return (d.getFullYear() === n.getFullYear() ? shortDate : shortDateYear).format(d);
}

export function formatTime(ts: number): string {
  return timeOfDay.format(ts);
}

export function formatFullDate(ts: number): string {
  return fullDate.format(ts);
}

export function formatDay(ts: number, now = Date.now()): string {
  const d = new Date(ts);
  if (sameDay(d, new Date(now))) return 'Today';
  if (sameDay(d, new Date(now - 86_400_000))) return 'Yesterday';
  return longDay.format(d);
}

export function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function unreadLabel(count: number): string {
  return `${count} unread message${count === 1 ? '' : 's'}`;
}

export interface StatusLook {
  icon: string;
  label: string;
}

/** Icon (decorative) and the words a screen reader hears for the state of a message I sent. */
export function statusLook(status: MessageStatus): StatusLook {
  switch (status) {
    case 'pending':
      return { icon: '🕓', label: 'Pending' };
    case 'sent':
      return { icon: '✓', label: 'Sent' };
    case 'delivered':
      return { icon: '✓✓', label: 'Delivered' };
    case 'failed':
      return { icon: '⚠', label: 'Failed to send' };
    case 'received':
      return { icon: '', label: 'Received' };
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
