import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { baseStyles } from './styles.js';
import { emit, type SendTextDetail } from './events.js';

export const MESSAGE_MAX_LENGTH = 4000;
/** Start showing the remaining characters this close to the limit. */
const COUNTER_FROM = MESSAGE_MAX_LENGTH - 400;

/**
 * Message input. Enter sends, Shift+Enter adds a line. Text longer than the limit is kept (never silently cut)
 * and explained. The "attach" slot is where the files feature puts its button.
 */
@customElement('md-composer')
export class MdComposer extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        border-top: 1px solid var(--md-border);
        background: var(--md-surface);
        padding: 0.5rem;
      }
      form {
        display: flex;
        gap: 0.5rem;
        align-items: flex-end;
      }
      textarea {
        flex: 1;
        resize: none;
        min-height: 44px;
        max-height: 10rem;
        field-sizing: content;
      }
      .info {
        margin: 0.25rem 0 0;
        font-size: 0.85rem;
      }
      .info:empty {
        display: none;
      }
    `,
  ];

  @property({ type: Boolean }) disabled = false;
  /** Why the composer is disabled (shown instead of the input). */
  @property() disabledReason = '';
  @property() error = '';
  @state() private length = 0;
  @state() private sendError = '';
  @query('textarea') private input?: HTMLTextAreaElement;

  override focus(): void {
    this.input?.focus();
  }

  /** Empties the input (the shell calls this once the message is stored). */
  /** Puts `text` in the box (editing a sent message) and focuses it. */
  fill(text: string): void {
    if (this.input) this.input.value = text;
    this.length = text.length;
    this.input?.focus();
  }

  clear(): void {
    if (this.input) this.input.value = '';
    this.length = 0;
  }

  private get tooLong(): boolean {
    return this.length > MESSAGE_MAX_LENGTH;
  }

  private send() {
    const text = this.input?.value ?? '';
    if (this.disabled || this.tooLong || text.trim() === '') return;
    let pending: Promise<unknown> | undefined;
    emit<SendTextDetail>(this, 'send-text', { text, waitUntil: (p) => (pending = p) });
    this.sendError = '';
    this.clear();
    this.input?.focus();
    pending?.catch((err: unknown) => {
      // Never lose what the user typed: put it back unless they already started a new message.
      if (this.input && this.input.value === '') {
        this.input.value = text;
        this.length = text.length;
      }
      this.sendError = err instanceof Error ? err.message : String(err);
    });
  }

  private onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.send();
    }
  }

  private onSubmit(e: Event) {
    e.preventDefault();
    this.send();
  }

  override render() {
    if (this.disabled) {
      return html`<p class="muted" data-testid="composer-closed" role="status">${this.disabledReason || 'You cannot send messages in this chat.'}</p>`;
    }
    const left = MESSAGE_MAX_LENGTH - this.length;
    return html`<form @submit=${this.onSubmit}>
        <slot name="attach"></slot>
        <label for="msg" class="visually-hidden">Message</label>
        <textarea
          id="msg"
          rows="1"
          placeholder="Write a message"
          aria-describedby="composer-info"
          aria-invalid=${this.tooLong ? 'true' : 'false'}
          @input=${(e: Event) => (this.length = (e.target as HTMLTextAreaElement).value.length)}
          @keydown=${this.onKeyDown}
        ></textarea>
        <button type="submit" ?disabled=${this.tooLong}>Send</button>
      </form>
      <p id="composer-info" class="info ${this.tooLong || this.error || this.sendError ? 'error' : 'muted'}" aria-live="polite" data-testid="composer-info">${this.tooLong
        ? `Message is too long: ${this.length.toLocaleString()} of ${MESSAGE_MAX_LENGTH.toLocaleString()} characters. Shorten it by ${(-left).toLocaleString()} to send.`
        : this.error || this.sendError
          ? this.error || this.sendError
          : this.length >= COUNTER_FROM
            ? `${left.toLocaleString()} characters left`
            : nothing}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-composer': MdComposer;
  }
}
