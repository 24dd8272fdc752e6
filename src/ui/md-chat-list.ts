import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChannelSummary, SearchResult } from '../core/api.js';
import './md-search.js';
import { baseStyles } from './styles.js';
import { emit, type OpenChatDetail } from './events.js';
import { formatFullDate, formatListTime, unreadLabel } from './format.js';

/** Newest activity first; ties broken by title so the order is stable. */
export function sortChannels(channels: readonly ChannelSummary[]): ChannelSummary[] {
  return [...channels].sort((a, b) => b.lastMessageAt - a.lastMessageAt || a.title.localeCompare(b.title));
}

/** The list of chats (1:1 and groups). Emits 'open-chat' and 'show-contacts' / 'new-group'. */
@customElement('md-chat-list')
export class MdChatList extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
        padding: 0.5rem;
        flex-wrap: wrap;
      }
      h2 {
        font-size: 1rem;
        margin: 0.5rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li button {
        all: unset;
        box-sizing: border-box;
        display: grid;
        grid-template-columns: 1fr auto;
        grid-template-areas: 'title time' 'preview badge';
        gap: 0.15rem 0.5rem;
        width: 100%;
        padding: 0.65rem 0.75rem;
        cursor: pointer;
        border-bottom: 1px solid var(--md-border);
        min-height: 44px;
      }
      li button:hover {
        background: color-mix(in srgb, var(--md-accent) 8%, transparent);
      }
      li button:focus-visible {
        outline: 3px solid var(--md-focus);
        outline-offset: -3px;
      }
      li button[aria-current='true'] {
        background: color-mix(in srgb, var(--md-accent) 16%, transparent);
      }
      .title {
        grid-area: title;
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .time {
        grid-area: time;
        font-size: 0.8rem;
        color: var(--md-muted);
      }
      .preview {
        grid-area: preview;
        color: var(--md-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-size: 0.9rem;
      }
      .badge {
        grid-area: badge;
        justify-self: end;
        background: var(--md-accent);
        color: var(--md-on-accent);
        border-radius: 999px;
        min-width: 1.4em;
        padding: 0 0.45em;
        text-align: center;
        font-size: 0.8rem;
        font-weight: 700;
        line-height: 1.5;
      }
      .closed {
        font-size: 0.75rem;
        border: 1px solid var(--md-border);
        border-radius: 4px;
        padding: 0 0.3em;
        margin-inline-start: 0.4em;
        font-weight: 400;
      }
      .empty {
        padding: 1rem;
      }
    `,
  ];

  @property({ attribute: false }) channels: ChannelSummary[] = [];
  @property() selectedId = '';
  @property({ type: Boolean }) hasContacts = false;
  /** Search in all chats (the controller's); without it no search box is shown. */
  @property({ attribute: false }) search?: (query: string) => Promise<SearchResult[]>;

  /**
   * Puts keyboard focus in the list (on the selected chat, else the first one, else the first action). The host
   * itself must not get a negative tabindex: that would take every button inside out of the Tab order.
   */
  focusList(channelId = ''): void {
    const root = this.renderRoot;
    const target =
      (channelId ? root.querySelector<HTMLElement>(`[data-testid="chat-item"][data-channel="${CSS.escape(channelId)}"]`) : null) ??
      root.querySelector<HTMLElement>('[data-testid="chat-item"][aria-current="true"]') ??
      root.querySelector<HTMLElement>('[data-testid="chat-item"]') ??
      root.querySelector<HTMLElement>('button');
    target?.focus();
  }

  private open(channelId: string) {
    emit<OpenChatDetail>(this, 'open-chat', { channelId });
  }

  private renderEmpty() {
    return html`<div class="empty" data-testid="chat-list-empty">
      <p><strong>No chats yet.</strong></p>
      <p class="muted">
        To start chatting, open <em>Contacts</em>, copy your invite link (or show its QR code) and send it to someone you
        trust. When they open it, they appear in your contacts and a chat starts here. If someone sent you a link, paste
        it under “Add contact”.
      </p>
      <button @click=${() => emit(this, 'show-contacts', {})}>Add a contact</button>
    </div>`;
  }

  override render() {
    const sorted = sortChannels(this.channels);
    return html`<nav aria-label="Chats">
      <div class="actions">
        <button class="secondary" @click=${() => emit(this, 'show-contacts', {})}>Contacts</button>
        <button class="secondary" ?disabled=${!this.hasContacts} @click=${() => emit(this, 'new-group', {})}>New group</button>
      </div>
      ${this.search ? html`<md-search .search=${this.search}></md-search>` : nothing}
      <h2 id="chats-heading">Chats</h2>
      ${sorted.length === 0
        ? this.renderEmpty()
        : html`<ul aria-labelledby="chats-heading" data-testid="chat-list">
            ${repeat(
              sorted,
              (c) => c.id,
              (c) => html`<li>
                <button
                  data-testid="chat-item"
                  data-channel=${c.id}
                  aria-current=${c.id === this.selectedId ? 'true' : 'false'}
                  @click=${() => this.open(c.id)}
                >
                  <span class="title"
                    >${c.title}${c.kind === 'group' ? html`<span class="visually-hidden">(group)</span>` : nothing}${c.closed
                      ? html`<span class="closed">closed</span>`
                      : nothing}</span
                  >
                  <span class="time">${c.lastMessageAt
                    ? html`<time datetime=${new Date(c.lastMessageAt).toISOString()} title=${formatFullDate(c.lastMessageAt)}>${formatListTime(c.lastMessageAt)}</time>`
                    : nothing}</span>
                  <span class="preview">${c.lastMessagePreview || (c.kind === 'group' ? `${c.members.length + 1} members` : 'No messages yet')}</span>
                  ${c.unread > 0
                    ? html`<span class="badge" data-testid="unread-badge" aria-label=${unreadLabel(c.unread)} role="img"
                        >${c.unread > 99 ? '99+' : c.unread}</span
                      >`
                    : nothing}
                </button>
              </li>`,
            )}
          </ul>`}
    </nav>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-chat-list': MdChatList;
  }
}
