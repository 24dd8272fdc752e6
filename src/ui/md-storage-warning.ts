import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { baseStyles } from './styles.js';
import { NavigateEvent } from './events.js';

/** Dismissed: the user read the warning and does not want to see it again. */
export class DismissStorageWarningEvent extends Event {
  static readonly type = 'md-dismiss-storage-warning';
  constructor() {
    super(DismissStorageWarningEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'md-dismiss-storage-warning': DismissStorageWarningEvent;
  }
  interface HTMLElementTagNameMap {
    'md-storage-warning': MdStorageWarning;
  }
}

/** The browser refused durable storage: history may be evicted; offers the backup export until dismissed. */
@customElement('md-storage-warning')
export class MdStorageWarning extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        padding: 0.5rem 1rem;
        background: color-mix(in srgb, var(--md-warn) 18%, var(--md-surface));
        border-bottom: 1px solid var(--md-warn);
      }
      p {
        flex: 1;
        margin: 0;
        min-width: 14rem;
      }
    `,
  ];

  override render() {
    return html`<p role="note" data-testid="storage-warning">
        This browser may delete Meshdrop's data (your identity and all history) when the device runs low on space. Export a
        backup to be safe.
      </p>
      <button @click=${() => this.dispatchEvent(new NavigateEvent({ screen: 'settings' }))}>Back up now</button>
      <button class="secondary" @click=${() => this.dispatchEvent(new DismissStorageWarningEvent())}>Dismiss</button>`;
  }
}
