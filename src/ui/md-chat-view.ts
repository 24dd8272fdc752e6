import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChannelSummary, MessageView } from '../core/api.js';
import { compareMessages } from './messages-window.js';
import { baseStyles } from './styles.js';
import { emit, type ChannelDetail, type JumpToMessageDetail, type MessageActionDetail, type SendTextDetail } from './events.js';
import { dayKey, formatBytes, formatDay, formatFullDate, formatNumber, formatTime, isoDate, statusLook } from './format.js';
import { getLocale } from './i18n.js';
import { linkify } from './linkify.js';
import { failReasonText, noteText } from './core-text.js';
import './md-composer.js';
import './md-message-actions.js';
import './md-reactions.js';
import { listNames } from './md-reactions.js';

/** How close to an edge (px) counts as "at the top/bottom". */
const EDGE = 120;

/** 'anchor': keep the message `id` at the same place on screen (older page prepended, newest trimmed). */
type ScrollPlan = { mode: 'bottom' } | { mode: 'anchor'; id: string; offset: number } | { mode: 'none' };

/**
 * One conversation: a window of messages (the shell loads the newest page and older pages on demand, so a
 * 10,000-message chat never renders all of them), with the composer below. Emits 'load-older' when the user
 * scrolls to the top, 'mark-read' when unread messages are on screen, and 'show-group-info' / 'back'.
 */
@localized()
@customElement('md-chat-view')
export class MdChatView extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        min-height: 0;
      }
      header {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.4rem 0.75rem;
        border-bottom: 1px solid var(--md-border);
        background: var(--md-surface);
      }
      header h2 {
        flex: 1;
        margin: 0;
        font-size: 1.1rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      header h2:focus {
        outline: none;
      }
      header h2:focus-visible {
        outline: 3px solid var(--md-focus);
      }
      .sub {
        font-size: 0.8rem;
        font-weight: 400;
        color: var(--md-muted);
        display: block;
      }
      .back {
        display: none;
      }
      @media (max-width: 720px) {
        .back {
          display: inline-block;
        }
      }
      .scroller {
        position: relative; /* offsetParent of the messages, for scroll anchoring */
        flex: 1;
        overflow-y: auto;
        overscroll-behavior: contain;
        padding: 0.5rem 0.75rem;
        min-height: 0;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 0.3rem;
      }
      li {
        display: flex;
        flex-direction: column;
      }
      /* Only message rows skip rendering off screen. Day headings and notes keep their real size: they sit between
         the top of the list and its first message, which is where an older page is anchored (see willUpdate). A
         skipped row there counted as 3rem (48 px) until the next frame rendered it (a day heading is ~15 px), so the
         anchor measured at the top moved as soon as the frame came, by whatever a placeholder was off by. */
      li.mine,
      li.theirs {
        content-visibility: auto;
        contain-intrinsic-size: auto 3rem;
      }
      li.mine {
        align-items: flex-end;
      }
      li.theirs {
        align-items: flex-start;
      }
      li.day,
      li.system {
        align-items: center;
        color: var(--md-muted);
        font-size: 0.8rem;
        margin: 0.4rem 0;
      }
      li.system p {
        margin: 0;
        font-style: italic;
      }
      .bubble {
        max-width: min(75%, 40rem);
        padding: 0.4rem 0.65rem;
        border-radius: 12px;
        background: var(--md-bubble-theirs);
        border: 1px solid var(--md-border);
      }
      .mine .bubble {
        background: var(--md-bubble-mine);
        border-color: transparent;
      }
      .author {
        font-size: 0.8rem;
        font-weight: 600;
        color: var(--md-accent);
        display: block;
      }
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        margin: 0;
      }
      .meta {
        display: flex;
        gap: 0.35rem;
        justify-content: flex-end;
        align-items: center;
        font-size: 0.72rem;
        color: var(--md-muted);
        margin-top: 0.1rem;
      }
      .status[data-status='failed'],
      .fail-reason {
        color: var(--md-error);
        font-weight: 600;
      }
      .fail-reason {
        margin: 0.2rem 0 0;
        font-size: 0.8rem;
      }
      .status[data-status='delivered'] {
        color: var(--md-accent);
      }
      .bubble-row {
        display: flex;
        align-items: flex-start;
        gap: 0.25rem;
        max-width: 100%;
      }
      .mine .bubble-row {
        flex-direction: row-reverse;
      }
      li.flash .bubble {
        outline: 3px solid var(--md-focus);
      }
      li:focus {
        outline: none;
      }
      li:focus-visible .bubble {
        outline: 3px solid var(--md-focus);
      }
      .quote {
        all: unset;
        box-sizing: border-box;
        display: block;
        cursor: pointer;
        border-inline-start: 3px solid var(--md-accent);
        padding: 0.1rem 0.4rem;
        margin-bottom: 0.2rem;
        font-size: 0.85rem;
        color: var(--md-fg);
        background: var(--md-surface);
        border-radius: 4px;
        overflow-wrap: anywhere;
      }
      .quote:focus-visible {
        outline: 3px solid var(--md-focus);
      }
      .quote b {
        display: block;
        font-size: 0.75rem;
        color: var(--md-accent);
      }
      .deleted {
        font-style: italic;
        color: var(--md-muted);
      }
      .text a {
        color: inherit;
        text-decoration: underline;
      }
      .status[data-status='seen'] {
        color: var(--md-accent);
        font-weight: 600;
      }
      .composing {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.3rem 0.75rem;
        border-top: 1px solid var(--md-border);
        font-size: 0.85rem;
      }
      .composing span {
        flex: 1;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .older {
        text-align: center;
        padding: 0.25rem;
      }
      .empty {
        text-align: center;
        margin-top: 2rem;
      }
    `,
  ];

  @property({ attribute: false }) channel?: ChannelSummary;
  /** The loaded window, oldest first. */
  @property({ attribute: false }) messages: MessageView[] = [];
  @property({ type: Boolean }) hasMore = false;
  /** Newer messages than the window's last exist but are not loaded (the window was capped). */
  @property({ type: Boolean }) hasNewer = false;
  @property({ type: Boolean }) loadingOlder = false;
  @property() sendError = '';
  /**
   * Renders the body of a file message (the files feature sets this to its own component); without it a file
   * message shows its name and size.
   */
  @property({ attribute: false }) renderFile?: (message: MessageView) => unknown;
  @state() private announcement = '';
  /** The message the next sent text answers. */
  @state() private replyTo?: MessageView;
  /** My message whose text the composer is editing. */
  @state() private editing?: MessageView;
  @query('.scroller') private scroller?: HTMLElement;

  private plan: ScrollPlan = { mode: 'bottom' };
  private markedKey = '';

  /** Moves focus to the chat heading (used when the shell switches to this chat). */
  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  focusComposer(): void {
    this.renderRoot.querySelector('md-composer')?.focus();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.maybeMarkRead);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.maybeMarkRead);
  }

  private get nearBottom(): boolean {
    const s = this.scroller;
    return !s || s.scrollHeight - s.scrollTop - s.clientHeight < EDGE;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const prevChannel = changed.get('channel');
    if (changed.has('channel') && prevChannel?.id !== this.channel?.id) {
      this.plan = { mode: 'bottom' };
      this.announcement = '';
      this.replyTo = undefined;
      this.editing = undefined;
      return;
    }
    if (!changed.has('messages')) return;
    const prev = changed.get('messages') ?? [];
    const next = this.messages;
    if (prev.length === 0 || next.length === 0) {
      this.plan = { mode: 'bottom' };
      return;
    }
    const s = this.scroller;
    const prevFirst = prev[0]!;
    const prevLast = prev[prev.length - 1]!;
    const nextLast = next[next.length - 1]!;
    const anchor = s?.querySelector<HTMLElement>(`[data-id="${CSS.escape(prevFirst.id)}"]`);
    if (changed.has('hasNewer') && !this.hasNewer) {
      this.plan = { mode: 'bottom' };
    } else if (next[0]!.id !== prevFirst.id && s && anchor) {
      // Older page prepended (and maybe newest trimmed): keep what the user is looking at in place.
      this.plan = { mode: 'anchor', id: prevFirst.id, offset: anchor.offsetTop - s.scrollTop };
    } else if (nextLast.id !== prevLast.id) {
      this.plan = this.nearBottom || nextLast.mine ? { mode: 'bottom' } : { mode: 'none' };
    } else if (this.plan.mode !== 'bottom') {
      this.plan = { mode: 'none' };
    }
    const known = new Set(prev.map((m) => m.id));
    const incoming = next.filter((m) => !known.has(m.id) && !m.mine && m.kind !== 'system' && compareMessages(m, prevLast) > 0);
    if (incoming.length === 1) {
      const m = incoming[0]!;
      this.announcement =
        m.kind === 'file' ? msg(str`New message from ${m.authorName}: file ${m.file?.name ?? ''}`) : msg(str`New message from ${m.authorName}: ${m.text}`);
    } else if (incoming.length > 1) {
      this.announcement = msg(str`${formatNumber(incoming.length)} new messages`);
    }
  }

  protected override updated(): void {
    const s = this.scroller;
    if (s) {
      if (this.plan.mode === 'bottom') s.scrollTop = s.scrollHeight;
      else if (this.plan.mode === 'anchor') {
        const el = s.querySelector<HTMLElement>(`[data-id="${CSS.escape(this.plan.id)}"]`);
        if (el) s.scrollTop = el.offsetTop - this.plan.offset;
      }
      this.plan = { mode: 'none' };
      // A first page that does not fill the screen leaves nothing to scroll: fetch more right away.
      // (Bounded, in case a layout leaves the scroller without a height limit.)
      if (this.hasMore && !this.loadingOlder && this.messages.length < 200 && s.scrollHeight <= s.clientHeight + EDGE) this.requestOlder();
    }
    this.maybeMarkRead();
  }

  private requestOlder() {
    if (!this.channel || !this.hasMore || this.loadingOlder) return;
    emit<ChannelDetail>(this, 'load-older', { channelId: this.channel.id });
  }

  private onScroll = () => {
    const s = this.scroller;
    if (s && s.scrollTop < EDGE) this.requestOlder();
    this.maybeMarkRead();
  };

  private readonly maybeMarkRead = (): void => {
    const c = this.channel;
    // Off the page (a closed chat that something still updates) nothing is on screen to be read.
    if (!c || c.unread <= 0 || !this.isConnected || document.visibilityState !== 'visible' || !this.nearBottom) return;
    const key = `${c.id}:${c.unread}:${this.messages[this.messages.length - 1]?.id ?? ''}`;
    if (key === this.markedKey) return;
    this.markedKey = key;
    emit<ChannelDetail>(this, 'mark-read', { channelId: c.id });
  };

  private renderStatus(m: MessageView) {
    if (m.seenBy && m.seenBy.length > 0 && m.status !== 'failed') {
      const label = this.channel?.kind === 'group' ? msg(str`Seen by ${listNames(m.seenBy)}`) : msg('Seen');
      return html`<span class="status" data-testid="message-status" data-status="seen" title=${label}
        ><span aria-hidden="true">✓✓</span><span class="visually-hidden">${label}</span>${this.channel?.kind === 'group'
          ? html` <span aria-hidden="true" data-testid="seen-by">${label}</span>`
          : nothing}</span
      >`;
    }
    const look = statusLook(m.status);
    return html`<span class="status" data-testid="message-status" data-status=${m.status} title=${look.label}
      ><span aria-hidden="true">${look.icon}</span><span class="visually-hidden">${look.label}</span>${m.status === 'failed' || m.status === 'pending'
        ? html` <span aria-hidden="true">${look.label}</span>`
        : nothing}</span
    >`;
  }

  private renderBody(m: MessageView) {
    if (m.deleted) return html`<p class="text deleted" data-testid="message-text" data-deleted="true">${msg('Message deleted')}</p>`;
    if (m.kind === 'file' && this.renderFile) return this.renderFile(m);
    if (m.kind === 'file' && m.file) {
      return html`<p class="text" data-testid="message-text">📎 ${m.file.name} <span class="muted">(${formatBytes(m.file.size)})</span></p>`;
    }
    return html`<p class="text" data-testid="message-text">${linkify(m.text)}</p>`;
  }

  private renderQuote(m: MessageView) {
    const q = m.quote;
    if (!q) return nothing;
    const text = q.state === 'ok' ? q.text : q.state === 'deleted' ? msg('Message deleted') : msg('Original message not on this device');
    // The accessible name is the visible text plus hidden words around it (an aria-label would not match it).
    return html`<button class="quote" data-testid="quote" data-quote-id=${q.id} @click=${() => this.goToMessage(q.id)}>
      <span class="visually-hidden">${q.authorName ? msg('Quoted message from') : msg('Quoted message')}</span> ${q.authorName ? html`<b>${q.authorName}</b>` : nothing}<span class="visually-hidden">:</span>
      <span>${text}</span><span class="visually-hidden">. ${msg('Go to it')}</span>
    </button>`;
  }

  /** Scrolls to a message and puts focus on it; asks the shell to load its page if it is not in the window. */
  goToMessage(id: string): void {
    const c = this.channel;
    if (!c) return;
    if (!this.revealMessage(id)) emit<JumpToMessageDetail>(this, 'jump-to-message', { channelId: c.id, messageId: id });
  }

  /** Scrolls a loaded message into view, focuses and briefly highlights it. Returns false if it is not loaded. */
  revealMessage(id: string): boolean {
    const el = this.scroller?.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"]`);
    if (!el) return false;
    this.plan = { mode: 'none' };
    el.scrollIntoView({ block: 'center' });
    el.focus({ preventScroll: true });
    el.classList.add('flash');
    setTimeout(() => el.classList.remove('flash'), 2000);
    return true;
  }

  /** Reply and edit are local composer modes; the rest go up to the shell. */
  private onMessageAction = (e: CustomEvent<MessageActionDetail>) => {
    const { action, messageId } = e.detail;
    if (action !== 'reply' && action !== 'edit') return;
    e.stopPropagation();
    const m = this.messages.find((x) => x.id === messageId);
    if (!m) return;
    const composer = this.renderRoot.querySelector('md-composer');
    if (action === 'reply') {
      this.editing = undefined;
      this.replyTo = m;
      composer?.focus();
    } else {
      this.replyTo = undefined;
      this.editing = m;
      composer?.fill(m.text);
    }
  };

  /** A text from the composer: an edit of my message, a reply, or a plain message (the shell sends it). */
  private onComposerSend = (e: CustomEvent<SendTextDetail>) => {
    const c = this.channel;
    if (!c) return;
    if (this.editing) {
      e.stopPropagation();
      const target = this.editing;
      this.editing = undefined;
      emit<MessageActionDetail>(this, 'message-action', {
        action: 'edit',
        channelId: c.id,
        messageId: target.id,
        text: e.detail.text,
        waitUntil: (p) => e.detail.waitUntil(p),
      });
    } else if (this.replyTo) {
      e.detail.replyTo = this.replyTo.id;
      this.replyTo = undefined;
    }
  };

  private cancelComposing() {
    if (this.editing) this.renderRoot.querySelector('md-composer')?.clear();
    this.editing = undefined;
    this.replyTo = undefined;
    this.renderRoot.querySelector('md-composer')?.focus();
  }

  private renderComposing() {
    const m = this.editing ?? this.replyTo;
    if (!m) return nothing;
    const what = this.editing ? msg('Editing your message') : m.mine ? msg('Replying to yourself') : msg(str`Replying to ${m.authorName}`);
    const snippet = m.kind === 'file' ? `📎 ${m.file?.name ?? ''}` : m.text.replace(/\s+/g, ' ');
    return html`<div class="composing" data-testid="composing" role="status">
      <span><b>${what}:</b> ${snippet}</span>
      <button class="secondary" data-testid="cancel-composing" aria-label=${this.editing ? msg('Cancel editing') : msg('Cancel reply')} @click=${this.cancelComposing}>✕</button>
    </div>`;
  }

  private renderMessage(m: MessageView) {
    if (m.kind === 'system') {
      return html`<li class="system" data-testid="message" data-id=${m.id} tabindex="-1"><p>${noteText(m.text)}</p></li>`;
    }
    const c = this.channel;
    const group = c?.kind === 'group';
    return html`<li class=${m.mine ? 'mine' : 'theirs'} data-testid="message" data-id=${m.id} data-mine=${m.mine ? 'true' : 'false'} tabindex="-1">
      <div class="bubble-row">
        <div class="bubble">
          ${group && !m.mine ? html`<span class="author" data-testid="message-author">${m.authorName}</span>` : nothing}
          <span class="visually-hidden">${m.mine ? msg('You') : m.authorName}:</span>
          ${m.deleted ? nothing : this.renderQuote(m)} ${this.renderBody(m)}
          <div class="meta">
            ${m.edited && !m.deleted ? html`<span data-testid="edited">${msg('edited')}</span>` : nothing}
            <time datetime=${new Date(m.sentAt).toISOString()} title=${formatFullDate(m.sentAt)}>${formatTime(m.sentAt)}</time>
            ${m.mine ? this.renderStatus(m) : nothing}
          </div>
          ${m.deleted ? nothing : html`<md-reactions .message=${m} ?disabled=${!!c?.closed}></md-reactions>`}
          ${m.mine && m.status === 'failed' && m.failReason ? html`<p class="fail-reason" data-testid="message-fail-reason">${failReasonText(m.failReason)}</p>` : nothing}
        </div>
        ${c?.closed ? nothing : html`<md-message-actions .message=${m} ?canDeleteForEveryone=${!m.deleted && (m.mine || !!c?.isAdmin)} align=${m.mine ? 'end' : 'start'}></md-message-actions>`}
      </div>
    </li>`;
  }

  /**
   * Messages with a day separator wherever the calendar day changes. The order is not by clock (a sender's clock
   * may be off), so a day already labelled in this window is not labelled again (and separator keys stay unique).
   */
  private rows(): ({ day: string; ts: number } | MessageView)[] {
    const rows: ({ day: string; ts: number } | MessageView)[] = [];
    const labelled = new Set<string>();
    for (const m of this.messages) {
      const k = dayKey(m.sentAt);
      if (!labelled.has(k)) {
        labelled.add(k);
        rows.push({ day: k, ts: m.sentAt });
      }
      rows.push(m);
    }
    return rows;
  }

  override render() {
    const c = this.channel;
    if (!c) return html`<p class="muted empty">${msg('Choose a chat.')}</p>`;
    const sub = c.kind === 'group' ? msg(str`${formatNumber(c.members.length + 1)} members`) : msg('Direct chat');
    return html`<header>
        <button class="secondary back" @click=${() => emit(this, 'back', {})} aria-label=${msg('Back to chats')}>←</button>
        <h2 tabindex="-1" data-testid="chat-title">${c.title}<span class="sub">${sub}</span></h2>
        <button class="secondary" @click=${() => emit<ChannelDetail>(this, 'show-group-info', { channelId: c.id })}>${c.kind === 'group' ? msg('Group info') : msg('Chat info')}</button>
      </header>
      <div class="scroller" @scroll=${this.onScroll} @message-action=${this.onMessageAction} role="region" aria-label=${msg(str`Messages in ${c.title}`)} tabindex="0">
        ${this.hasMore
          ? html`<div class="older">
              <button class="secondary" ?disabled=${this.loadingOlder} @click=${this.requestOlder}>${this.loadingOlder ? msg('Loading…') : msg('Load older messages')}</button>
            </div>`
          : nothing}
        ${this.messages.length === 0 ? html`<p class="muted empty">${msg('No messages yet. Say hello!')}</p>` : nothing}
        <ol data-testid="message-list">
          ${guard([this.messages, c.kind, c.isAdmin, c.closed, this.renderFile, getLocale()], () =>
            // The list only depends on these: other updates (unread count, send errors) skip re-rendering every row.
            repeat(
              this.rows(),
              (r) => ('day' in r ? `day-${r.day}` : r.id),
              // A day heading is a list item of its own (a role="separator" here made the list hold a non-item: axe 'list').
              (r) => ('day' in r ? html`<li class="day" data-testid="day"><time datetime=${isoDate(r.ts)}>${formatDay(r.ts)}</time></li>` : this.renderMessage(r)),
            ),
          )}
        </ol>
        ${this.hasNewer
          ? html`<div class="older">
              <button class="secondary" data-testid="jump-newest" @click=${() => emit<ChannelDetail>(this, 'load-newest', { channelId: c.id })}>${msg('Jump to newest messages')}</button>
            </div>`
          : nothing}
      </div>
      <div class="visually-hidden" aria-live="polite" data-testid="chat-announcer">${this.announcement}</div>
      ${this.renderComposing()}
      <md-composer @send-text=${this.onComposerSend} ?disabled=${c.closed} .error=${this.sendError} disabledReason=${msg('This chat is closed: you left or were removed, so you can no longer send messages here.')}
        ><slot name="attach" slot="attach"></slot
      ></md-composer>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-chat-view': MdChatView;
  }
}
