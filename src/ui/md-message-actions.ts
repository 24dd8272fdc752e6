import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { MessageView } from '../core/api.js';
import { QUICK_REACTIONS } from '../core/reactions.js';
import { baseStyles } from './styles.js';
import { emit, type MessageAction, type MessageActionDetail } from './events.js';

interface Item {
  action: MessageAction | 'other-emoji';
  label: string;
  text: string;
  emoji?: string;
}

/**
 * The per-message action menu: a button ("Actions for …") that opens a menu of reply, reactions, edit and
 * delete. Keyboard: Enter/Space/ArrowDown open it on the first item, arrows/Home/End move, Escape closes and
 * returns focus to the button. Emits 'message-action' (MessageActionDetail).
 */
@customElement('md-message-actions')
export class MdMessageActions extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-flex;
        flex-direction: column;
        align-items: flex-end;
      }
      :host([align='start']) {
        align-items: flex-start;
      }
      .toggle {
        padding: 0 0.4rem;
        min-height: 1.6rem;
        line-height: 1;
      }
      /* In the flow, not an overlay: each message row has paint containment (content-visibility), which would
         clip a positioned menu to the row. */
      [role='menu'] {
        display: flex;
        flex-direction: column;
        min-width: 12rem;
        padding: 0.25rem;
        background: var(--md-surface);
        border: 1px solid var(--md-border);
        border-radius: 8px;
        box-shadow: 0 4px 14px rgb(0 0 0 / 0.2);
      }
      .emojis {
        display: flex;
        flex-wrap: wrap;
      }
      [role='menuitem'] {
        all: unset;
        box-sizing: border-box;
        cursor: pointer;
        padding: 0.35rem 0.6rem;
        border-radius: 6px;
        color: var(--md-fg);
      }
      [role='menuitem']:hover,
      [role='menuitem']:focus-visible {
        background: var(--md-bubble-theirs);
        outline: 2px solid var(--md-focus);
      }
      .emojis [role='menuitem'] {
        font-size: 1.15rem;
        padding: 0.2rem 0.35rem;
      }
      form {
        display: flex;
        gap: 0.3rem;
        padding: 0.25rem;
      }
      form input {
        width: 5rem;
      }
    `,
  ];

  @property({ attribute: false }) message?: MessageView;
  /** Mine, or I administer this group: "Delete for everyone" is offered. */
  @property({ type: Boolean }) canDeleteForEveryone = false;
  @state() private open = false;
  @state() private otherEmoji = false;
  @query('.toggle') private toggle?: HTMLButtonElement;

  private items(): { reactions: Item[]; rest: Item[] } {
    const m = this.message;
    if (!m || m.deleted) return { reactions: [], rest: m ? [{ action: 'delete-me', label: 'Delete for me', text: 'Delete for me' }] : [] };
    const mineEmoji = m.reactionSummary?.find((r) => r.mine)?.emoji;
    const reactions: Item[] = QUICK_REACTIONS.map((emoji) =>
      emoji === mineEmoji
        ? { action: 'react', emoji: '', label: `Remove your reaction ${emoji}`, text: emoji }
        : { action: 'react', emoji, label: `React with ${emoji}`, text: emoji },
    );
    reactions.push({ action: 'other-emoji', label: 'React with another emoji', text: '＋' });
    const rest: Item[] = [{ action: 'reply', label: 'Reply', text: 'Reply' }];
    if (m.mine && m.kind === 'text') rest.push({ action: 'edit', label: 'Edit', text: 'Edit' });
    if (this.canDeleteForEveryone) rest.push({ action: 'delete-everyone', label: 'Delete for everyone', text: 'Delete for everyone' });
    rest.push({ action: 'delete-me', label: 'Delete for me', text: 'Delete for me' });
    return { reactions, rest };
  }

  private get menuItems(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  }

  /** Opens the menu with focus on its first item (or last, for ArrowUp). */
  async openMenu(focus: 'first' | 'last' = 'first'): Promise<void> {
    this.open = true;
    this.otherEmoji = false;
    await this.updateComplete;
    this.renderRoot.querySelector('[role="menu"]')?.scrollIntoView({ block: 'nearest' });
    const items = this.menuItems;
    (focus === 'first' ? items[0] : items[items.length - 1])?.focus();
  }

  close(returnFocus = true): void {
    this.open = false;
    this.otherEmoji = false;
    if (returnFocus) this.toggle?.focus();
  }

  private onToggleKey(e: KeyboardEvent) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      void this.openMenu(e.key === 'ArrowDown' ? 'first' : 'last');
    }
  }

  private onMenuKey(e: KeyboardEvent) {
    const items = this.menuItems;
    const i = items.indexOf(this.renderRoot.querySelector<HTMLElement>(':focus') ?? (e.target as HTMLElement));
    let next = -1;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.close();
      return;
    }
    if (e.key === 'Tab') {
      this.close(false);
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') next = (i + 1) % items.length;
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') next = (i - 1 + items.length) % items.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    if (next >= 0) {
      e.preventDefault();
      items[next]?.focus();
    }
  }

  private onFocusOut = (e: FocusEvent) => {
    // Closing when focus leaves the menu (click elsewhere, Tab away) without stealing focus back.
    const to = e.relatedTarget as Node | null;
    if (this.open && (!to || !this.renderRoot.contains(to))) this.close(false);
  };

  private choose(item: Item) {
    const m = this.message;
    if (!m) return;
    if (item.action === 'other-emoji') {
      this.otherEmoji = true;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('form input')?.focus());
      return;
    }
    this.close();
    emit<MessageActionDetail>(this, 'message-action', { action: item.action, channelId: m.channelId, messageId: m.id, emoji: item.emoji });
  }

  private onOtherEmoji(e: Event) {
    e.preventDefault();
    const m = this.message;
    const input = this.renderRoot.querySelector<HTMLInputElement>('form input');
    const emoji = input?.value.trim() ?? '';
    if (!m || !emoji) return;
    this.close();
    emit<MessageActionDetail>(this, 'message-action', { action: 'react', channelId: m.channelId, messageId: m.id, emoji });
  }

  private renderItem(item: Item) {
    return html`<button role="menuitem" tabindex="-1" data-action=${item.action} aria-label=${item.label} @click=${() => this.choose(item)}>${item.text}</button>`;
  }

  override render() {
    const m = this.message;
    if (!m) return nothing;
    const { reactions, rest } = this.items();
    const who = m.mine ? 'your message' : `message from ${m.authorName}`;
    return html`<button
        class="secondary toggle"
        data-testid="message-actions"
        aria-haspopup="menu"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="menu"
        aria-label="Actions for ${who}"
        @click=${() => (this.open ? this.close() : void this.openMenu())}
        @keydown=${this.onToggleKey}
      >
        ⋯
      </button>
      ${this.open
        ? html`<div role="menu" id="menu" aria-label="Actions for ${who}" @keydown=${this.onMenuKey} @focusout=${this.onFocusOut}>
            ${reactions.length ? html`<div class="emojis" role="group" aria-label="Reactions">${reactions.map((i) => this.renderItem(i))}</div>` : nothing}
            ${this.otherEmoji
              ? html`<form @submit=${this.onOtherEmoji}>
                  <label class="visually-hidden" for="emoji">Emoji</label>
                  <input id="emoji" maxlength="16" autocomplete="off" @keydown=${(e: KeyboardEvent) => e.key !== 'Escape' && e.stopPropagation()} />
                  <button type="submit">React</button>
                </form>`
              : nothing}
            ${rest.map((i) => this.renderItem(i))}
          </div>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-message-actions': MdMessageActions;
  }
}
