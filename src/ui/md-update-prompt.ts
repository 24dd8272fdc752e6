import { localized, msg } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { baseStyles } from './styles.js';
import { emit } from './events.js';

/** Shown when a new service worker is waiting: reloading activates it. */
@localized()
@customElement('md-update-prompt')
export class MdUpdatePrompt extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        position: fixed;
        bottom: 1rem;
        left: 50%;
        transform: translateX(-50%);
        background: var(--md-surface);
        border: 1px solid var(--md-border);
        border-radius: 12px;
        padding: 0.75rem 1rem;
        display: flex;
        gap: 1rem;
        align-items: center;
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.25);
      }
    `,
  ];

  override render() {
    return html`<span role="status">${msg('Update available')}</span>
      <button @click=${() => emit(this, 'reload-update', {})}>${msg('Reload')}</button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-update-prompt': MdUpdatePrompt;
  }
}
