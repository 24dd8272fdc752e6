import { html, type TemplateResult } from 'lit';

/** Candidate URLs: only http(s), up to whitespace or characters that never end a link in running text. */
const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that usually ends a sentence rather than the link ("see https://x.org/a."). */
const TRAILING = /[.,;:!?)\]}'"»]+$/;

/** The link target if `candidate` is a well-formed http(s) URL (never javascript:, data: or any other scheme). */
export function safeHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits message text into plain strings and links, for a Lit template: text stays text (never innerHTML),
 * http(s) URLs become links that open in a new tab without the opener or a referrer. No previews are fetched.
 */
export function linkify(text: string): (string | TemplateResult)[] {
  const out: (string | TemplateResult)[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const start = m.index ?? 0;
    let raw = m[0];
    // Keep a closing bracket that belongs to the URL (Wikipedia-style "Foo_(bar)").
    const trail = TRAILING.exec(raw)?.[0] ?? '';
    if (trail && !(trail === ')' && raw.includes('('))) raw = raw.slice(0, raw.length - trail.length);
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) out.push(text.slice(last, start));
    out.push(html`<a href=${href} target="_blank" rel="noopener noreferrer">${raw}</a>`);
    last = start + raw.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
