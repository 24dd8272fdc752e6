import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConnectionStatus } from '../sync/relay-connection.js';

export function describeStatus(status: ConnectionStatus): string {
  switch (status.state) {
    case 'offline':
      return msg('Offline');
    case 'connecting':
      return msg('Connecting…');
    case 'connected':
      return status.connected === 1 ? msg('Connected to 1 relay') : msg(str`Connected to ${status.connected} relays`);
  }
}

/** A small badge with the relay connection state; announced politely to screen readers. */
@localized()
@customElement('md-connection-status')
export class MdConnectionStatus extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.4em;
      font-size: 0.9em;
    }
    .dot {
      width: 0.7em;
      height: 0.7em;
      border-radius: 50%;
      background: var(--md-muted);
    }
    .connected .dot {
      background: var(--md-ok);
    }
    .connecting .dot {
      background: var(--md-warn);
    }
  `;

  @property({ attribute: false }) status: ConnectionStatus = { state: 'connecting', connected: 0, configured: 0 };

  override render() {
    return html`<span class=${this.status.state} role="status" aria-live="polite" data-state=${this.status.state}
      ><span class="dot" aria-hidden="true"></span> ${describeStatus(this.status)}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-connection-status': MdConnectionStatus;
  }
}
