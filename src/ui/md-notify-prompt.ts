import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles } from './styles.js';

/** The user answered the offer to turn on notifications: `enable` true for "Turn on", false for "Not now". */
export class NotifyPromptEvent extends Event {
  static readonly type = 'md-notify-prompt';
  constructor(readonly enable: boolean) {
    super(NotifyPromptEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'md-notify-prompt': NotifyPromptEvent;
  }
  interface HTMLElementTagNameMap {
    'md-notify-prompt': MdNotifyPrompt;
  }
}

/**
 * Offers notifications once there is a chat to be notified about (never on first load): the browser's
 * permission prompt only opens from the user's click on "Turn on".
 */
@customElement('md-notify-prompt')
export class MdNotifyPrompt extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 0.5rem 0.75rem;
        border-bottom: 1px solid var(--md-border);
        background: color-mix(in srgb, var(--md-accent) 8%, var(--md-surface));
      }
      p {
        margin: 0 0 0.4rem;
      }
      .row {
        display: flex;
        gap: 0.5rem;
        flex-wrap: wrap;
      }
    `,
  ];

  /** The browser blocked or dismissed the request: tell how to allow it instead of offering again. */
  @property() refused = '';

  override render() {
    if (this.refused) {
      return html`<p role="status" data-testid="notify-refused">${this.refused}</p>
        <div class="row"><button class="secondary" @click=${() => this.dispatchEvent(new NotifyPromptEvent(false))}>OK</button></div>`;
    }
    return html`<p>Get a notification when a message arrives while Meshdrop is in the background?</p>
      <div class="row">
        <button data-testid="notify-prompt-enable" @click=${() => this.dispatchEvent(new NotifyPromptEvent(true))}>Turn on notifications</button>
        <button class="secondary" @click=${() => this.dispatchEvent(new NotifyPromptEvent(false))}>Not now</button>
      </div>`;
  }
}
