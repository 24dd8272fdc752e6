import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { Task } from '@lit/task';
import type { SearchResult } from '../core/api.js';
import { baseStyles } from './styles.js';
import { emit, type JumpToMessageDetail } from './events.js';
import { formatFullDate, formatListTime } from './format.js';

/** Wait this long after the last keystroke before searching (typing fast searches once). */
const DEBOUNCE_MS = 150;

/**
 * Search in all chats (local history): a search box above the chat list; results newest first with the chat's
 * title and a snippet whose match is highlighted (<mark>, built from plain-text parts, never HTML). Choosing a
 * result emits 'open-search-result' (JumpToMessageDetail). The shell passes `search` (the controller's).
 */
@customElement('md-search')
export class MdSearch extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 0 0.5rem;
      }
      form {
        display: flex;
        gap: 0.3rem;
      }
      input {
        flex: 1;
        min-width: 0;
      }
      ul {
        list-style: none;
        margin: 0.3rem 0;
        padding: 0;
        max-height: 50vh;
        overflow-y: auto;
      }
      li button {
        all: unset;
        box-sizing: border-box;
        display: grid;
        grid-template-columns: 1fr auto;
        width: 100%;
        padding: 0.35rem 0.4rem;
        border-radius: 6px;
        cursor: pointer;
        color: var(--md-fg);
      }
      li button:hover,
      li button:focus-visible {
        background: var(--md-bubble-theirs);
        outline: 2px solid var(--md-focus);
      }
      .title {
        font-weight: 600;
      }
      .time {
        font-size: 0.75rem;
        color: var(--md-muted);
      }
      .snippet {
        grid-column: 1 / -1;
        font-size: 0.85rem;
        overflow-wrap: anywhere;
      }
      mark {
        background: var(--md-accent);
        color: var(--md-on-accent);
        border-radius: 2px;
      }
      .status {
        font-size: 0.85rem;
        margin: 0.3rem 0;
      }
    `,
  ];

  /** Runs a search (the controller's searchMessages). */
  @property({ attribute: false }) search?: (query: string) => Promise<SearchResult[]>;
  @state() private query = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  private readonly results = new Task(this, {
    task: async ([query, search]): Promise<SearchResult[]> => (query && search ? search(query) : []),
    args: () => [this.query, this.search] as const,
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private onInput(e: Event) {
    const value = (e.target as HTMLInputElement).value.trim();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.query = value), DEBOUNCE_MS);
  }

  private onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape' && this.query) {
      e.preventDefault();
      (e.target as HTMLInputElement).value = '';
      clearTimeout(this.timer);
      this.query = '';
    } else if (e.key === 'ArrowDown') {
      const first = this.renderRoot.querySelector<HTMLElement>('li button');
      if (first) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  private onListKey(e: KeyboardEvent) {
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>('li button')];
    const i = items.indexOf(e.target as HTMLElement);
    if (i < 0) return;
    if (e.key === 'ArrowDown' && i < items.length - 1) items[i + 1]!.focus();
    else if (e.key === 'ArrowUp') (i > 0 ? items[i - 1]! : this.renderRoot.querySelector<HTMLElement>('input'))?.focus();
    else return;
    e.preventDefault();
  }

  private open(r: SearchResult) {
    emit<JumpToMessageDetail>(this, 'open-search-result', { channelId: r.channelId, messageId: r.message.id });
  }

  private renderResults(list: SearchResult[]) {
    if (!this.query) return nothing;
    if (list.length === 0) return html`<p class="status muted" role="status" data-testid="search-status">No messages match “${this.query}”.</p>`;
    return html`<p class="visually-hidden" role="status">${list.length === 1 ? '1 message found' : `${list.length} messages found`}</p>
      <ul aria-label="Search results" data-testid="search-results" @keydown=${this.onListKey}>
        ${repeat(
          list,
          (r) => r.message.id,
          (r) => html`<li>
            <button data-testid="search-result" data-id=${r.message.id} @click=${() => this.open(r)}>
              <span class="title">${r.channelTitle}</span>
              <time class="time" datetime=${new Date(r.message.sentAt).toISOString()} title=${formatFullDate(r.message.sentAt)}>${formatListTime(r.message.sentAt)}</time>
              <span class="snippet"
                ><span class="visually-hidden">${r.message.mine ? 'You' : r.message.authorName}: </span>${r.before}<mark>${r.match}</mark>${r.after}</span
              >
            </button>
          </li>`,
        )}
      </ul>`;
  }

  override render() {
    return html`<form role="search" aria-label="Search messages" @submit=${(e: Event) => e.preventDefault()}>
        <label class="visually-hidden" for="q">Search all chats</label>
        <input id="q" type="search" data-testid="search-input" placeholder="Search messages" autocomplete="off" @input=${this.onInput} @keydown=${this.onKeyDown} />
      </form>
      ${this.results.render({
        pending: () => (this.query ? html`<p class="status muted" role="status">Searching…</p>` : nothing),
        complete: (list) => this.renderResults(list),
        error: (err) => html`<p class="status error" role="alert">Search failed: ${err instanceof Error ? err.message : String(err)}</p>`,
      })}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-search': MdSearch;
  }
}
