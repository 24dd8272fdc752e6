import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChannelSummary, MessageView } from '../core/api.js';
import { compareMessages } from './messages-window.js';
import { baseStyles } from './styles.js';
import { emit, type ChannelDetail } from './events.js';
import { dayKey, formatBytes, formatDay, formatFullDate, formatTime, statusLook } from './format.js';
import './md-composer.js';

/** How close to an edge (px) counts as "at the top/bottom". */
const EDGE = 120;

/** 'anchor': keep the message `id` at the same place on screen (older page prepended, newest trimmed). */
type ScrollPlan = { mode: 'bottom' } | { mode: 'anchor'; id: string; offset: number } | { mode: 'none' };

/**
 * One conversation: a window of messages (the shell loads the newest page and older pages on demand, so a
 * 10,000-message chat never renders all of them), with the composer below. Emits 'load-older' when the user
 * scrolls to the top, 'mark-read' when unread messages are on screen, and 'show-group-info' / 'back'.
 */
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
      .status[data-status='failed'] {
        color: var(--md-error);
        font-weight: 600;
      }
      .status[data-status='delivered'] {
        color: var(--md-accent);
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
      this.announcement = `New message from ${m.authorName}: ${m.kind === 'file' ? `file ${m.file?.name ?? ''}` : m.text}`;
    } else if (incoming.length > 1) {
      this.announcement = `${incoming.length} new messages`;
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
    if (!c || c.unread <= 0 || document.visibilityState !== 'visible' || !this.nearBottom) return;
    const key = `${c.id}:${c.unread}:${this.messages[this.messages.length - 1]?.id ?? ''}`;
    if (key === this.markedKey) return;
    this.markedKey = key;
    emit<ChannelDetail>(this, 'mark-read', { channelId: c.id });
  };

  private renderStatus(m: MessageView) {
    const look = statusLook(m.status);
    return html`<span class="status" data-testid="message-status" data-status=${m.status} title=${look.label}
      ><span aria-hidden="true">${look.icon}</span><span class="visually-hidden">${look.label}</span>${m.status === 'failed' || m.status === 'pending'
        ? html` <span aria-hidden="true">${look.label}</span>`
        : nothing}</span
    >`;
  }

  private renderBody(m: MessageView) {
    if (m.kind === 'file' && this.renderFile) return this.renderFile(m);
    if (m.kind === 'file' && m.file) {
      return html`<p class="text" data-testid="message-text">📎 ${m.file.name} <span class="muted">(${formatBytes(m.file.size)})</span></p>`;
    }
    return html`<p class="text" data-testid="message-text">${m.text}</p>`;
  }

  private renderMessage(m: MessageView) {
    if (m.kind === 'system') {
      return html`<li class="system" data-testid="message" data-id=${m.id}><p>${m.text}</p></li>`;
    }
    const group = this.channel?.kind === 'group';
    return html`<li class=${m.mine ? 'mine' : 'theirs'} data-testid="message" data-id=${m.id} data-mine=${m.mine ? 'true' : 'false'}>
      <div class="bubble">
        ${group && !m.mine ? html`<span class="author" data-testid="message-author">${m.authorName}</span>` : nothing}
        <span class="visually-hidden">${m.mine ? 'You' : m.authorName}:</span>
        ${this.renderBody(m)}
        <div class="meta">
          <time datetime=${new Date(m.sentAt).toISOString()} title=${formatFullDate(m.sentAt)}>${formatTime(m.sentAt)}</time>
          ${m.mine ? this.renderStatus(m) : nothing}
        </div>
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
    if (!c) return html`<p class="muted empty">Choose a chat.</p>`;
    const sub = c.kind === 'group' ? `${c.members.length + 1} members` : 'Direct chat';
    return html`<header>
        <button class="secondary back" @click=${() => emit(this, 'back', {})} aria-label="Back to chats">←</button>
        <h2 tabindex="-1" data-testid="chat-title">${c.title}<span class="sub">${sub}</span></h2>
        <button class="secondary" @click=${() => emit<ChannelDetail>(this, 'show-group-info', { channelId: c.id })}>${c.kind === 'group' ? 'Group info' : 'Chat info'}</button>
      </header>
      <div class="scroller" @scroll=${this.onScroll} role="region" aria-label="Messages in ${c.title}" tabindex="0">
        ${this.hasMore
          ? html`<div class="older">
              <button class="secondary" ?disabled=${this.loadingOlder} @click=${this.requestOlder}>${this.loadingOlder ? 'Loading…' : 'Load older messages'}</button>
            </div>`
          : nothing}
        ${this.messages.length === 0 ? html`<p class="muted empty">No messages yet. Say hello!</p>` : nothing}
        <ol data-testid="message-list">
          ${guard([this.messages, c.kind, this.renderFile], () =>
            // The list only depends on these: other updates (unread count, send errors) skip re-rendering every row.
            repeat(
              this.rows(),
              (r) => ('day' in r ? `day-${r.day}` : r.id),
              (r) => ('day' in r ? html`<li class="day" role="separator" aria-label=${formatDay(r.ts)}>${formatDay(r.ts)}</li>` : this.renderMessage(r)),
            ),
          )}
        </ol>
        ${this.hasNewer
          ? html`<div class="older">
              <button class="secondary" data-testid="jump-newest" @click=${() => emit<ChannelDetail>(this, 'load-newest', { channelId: c.id })}>Jump to newest messages</button>
            </div>`
          : nothing}
      </div>
      <div class="visually-hidden" aria-live="polite" data-testid="chat-announcer">${this.announcement}</div>
      <md-composer ?disabled=${c.closed} .error=${this.sendError} disabledReason="This chat is closed: you left or were removed, so you can no longer send messages here."
        ><slot name="attach" slot="attach"></slot
      ></md-composer>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-chat-view': MdChatView;
  }
}
