import type { MessageView, QuoteView, ReactionView, SearchResult } from './api.js';
import type { ChannelRecord, IdentityRecord, MessageRecord } from '../store/schema.js';
import type { NameBook } from './views.js';
import type { SearchHit } from '../store/conversation-store.js';

/** Turns conversation state (quotes, reactions, seen pointers, search hits) into UI views. */

/** Longest quoted snippet (characters). */
const QUOTE_CHARS = 140;
/** Characters of context kept on each side of a search match. */
const CONTEXT_CHARS = 40;

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The quote shown above a reply, from the local original (if this device has it). */
export function quoteOf(id: string, original: MessageRecord | undefined, names: NameBook, channel?: ChannelRecord): QuoteView {
  if (!original || original.hidden || original.channelId !== channel?.id) return { id, authorName: '', text: '', state: 'missing' };
  const authorName = names.nameOf(original.author, channel);
  if (original.deleted) return { id, authorName, text: '', state: 'deleted' };
  const text = original.kind === 'file' ? `📎 ${original.file?.name ?? 'File'}` : oneLine(original.text);
  return { id, authorName, text: text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS - 1)}…` : text, state: 'ok' };
}

/** Reactions grouped by emoji (most first), removed ones (empty emoji) left out. */
export function reactionsOf(m: MessageRecord, me: IdentityRecord, names: NameBook, channel?: ChannelRecord): ReactionView[] {
  const by = new Map<string, ReactionView>();
  for (const [pub, r] of Object.entries(m.reactions ?? {})) {
    if (!r.emoji) continue;
    const v = by.get(r.emoji) ?? { emoji: r.emoji, count: 0, names: [], mine: false };
    v.count += 1;
    v.names.push(pub === me.pair.pub ? 'You' : names.nameOf(pub, channel));
    if (pub === me.pair.pub) v.mine = true;
    by.set(r.emoji, v);
  }
  return [...by.values()].sort((a, b) => b.count - a.count || (a.emoji < b.emoji ? -1 : 1));
}

/** Adds quote, reactions and seen-by to views of one channel. `originals` holds the quoted messages. */
export function decorate(
  views: MessageView[],
  originals: Map<string, MessageRecord>,
  seen: Map<string, string[]>,
  me: IdentityRecord,
  names: NameBook,
  channel?: ChannelRecord,
): MessageView[] {
  return views.map((v) => {
    const out: MessageView = { ...v };
    if (v.replyTo) out.quote = quoteOf(v.replyTo, originals.get(v.replyTo), names, channel);
    if (v.reactions) out.reactionSummary = reactionsOf(v, me, names, channel);
    const readers = seen.get(v.id);
    if (readers) out.seenBy = readers.map((pub) => names.nameOf(pub, channel));
    return out;
  });
}

/** A search hit as the UI shows it: the match and some context on each side, all plain text. */
export function toSearchResult(hit: SearchHit, view: MessageView, channelTitle: string, queryLength: number): SearchResult {
  const text = view.kind === 'file' ? (view.file?.name ?? '') : view.text;
  const start = Math.max(0, hit.at - CONTEXT_CHARS);
  const end = Math.min(text.length, hit.at + queryLength + CONTEXT_CHARS);
  return {
    channelId: view.channelId,
    channelTitle,
    message: view,
    before: (start > 0 ? '…' : '') + oneLine(text.slice(start, hit.at)).trimStart() + (/\s$/.test(text.slice(start, hit.at)) ? ' ' : ''),
    match: text.slice(hit.at, hit.at + queryLength),
    after: (/^\s/.test(text.slice(hit.at + queryLength, end)) ? ' ' : '') + oneLine(text.slice(hit.at + queryLength, end)) + (end < text.length ? '…' : ''),
  };
}
