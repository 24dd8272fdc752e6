import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { MessageView, ReactionView } from '../core/api.js';
import { baseStyles } from './styles.js';
import { emit, type MessageActionDetail } from './events.js';

/** "Ben, Cy and You" */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** What a screen reader hears for one reaction chip: emoji, count and who. */
export function reactionLabel(r: ReactionView): string {
  return `${r.emoji} ${r.count} ${r.count === 1 ? 'reaction' : 'reactions'}: ${listNames(r.names)}${r.mine ? '. Activate to remove yours' : `. Activate to react with ${r.emoji}`}`;
}

/**
 * The reactions under a message: one chip per emoji with its count; the chip's label names who reacted.
 * Activating a chip sets my reaction to that emoji, or removes it if it is already mine ('message-action').
 */
@customElement('md-reactions')
export class MdReactions extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        margin-top: 0.2rem;
      }
      button {
        all: unset;
        cursor: pointer;
        font-size: 0.85rem;
        padding: 0 0.45rem;
        border-radius: 999px;
        border: 1px solid var(--md-border);
        background: var(--md-surface);
        color: var(--md-fg);
      }
      button[aria-pressed='true'] {
        border-color: var(--md-accent);
        font-weight: 600;
      }
      button:focus-visible {
        outline: 3px solid var(--md-focus);
      }
    `,
  ];

  @property({ attribute: false }) message?: MessageView;
  @property({ type: Boolean }) disabled = false;

  override render() {
    const m = this.message;
    const list = m?.reactionSummary ?? [];
    if (!m || list.length === 0) return nothing;
    return list.map(
      (r) => html`<button
        data-testid="reaction"
        data-emoji=${r.emoji}
        aria-pressed=${r.mine ? 'true' : 'false'}
        aria-label=${reactionLabel(r)}
        title=${listNames(r.names)}
        ?disabled=${this.disabled}
        @click=${() => emit<MessageActionDetail>(this, 'message-action', { action: 'react', channelId: m.channelId, messageId: m.id, emoji: r.mine ? '' : r.emoji })}
      >
        <span aria-hidden="true">${r.emoji} ${r.count}</span>
      </button>`,
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-reactions': MdReactions;
  }
}
