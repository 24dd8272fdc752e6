import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { baseStyles } from './styles.js';
import type { PushControls } from '../core/api.js';
import type { PushStatus } from '../core/push-service.js';
import { pushErrorText } from './core-text.js';
import { formatNumber } from './format.js';
import { ListenController } from './listen.js';

/** Opt-in switch for Web Push through the relays, with its state and errors (hosted by the settings screen). */
@localized()
@customElement('md-push-settings')
export class MdPushSettings extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      label.switch {
        display: flex;
        gap: 0.5em;
        align-items: center;
      }
      ul {
        padding-inline-start: 1.2em;
      }
      li {
        word-break: break-all;
      }
    `,
  ];

  /** The app's push controls; nothing is rendered without them. */
  @property({ attribute: false }) push?: PushControls;

  constructor() {
    super();
    // Re-renders whenever the push controls report a change, while on the page.
    new ListenController(this, () => this.push, { change: () => this.requestUpdate() });
  }

  private toggle(e: Event) {
    // `live` puts the switch back to the real state after a failed attempt (the click already flipped it).
    const on = (e.target as HTMLInputElement).checked;
    void (on ? this.push?.enable() : this.push?.disable());
  }

  private relayLine(s: PushStatus['relays'][number]) {
    const text = s.registered ? msg('will notify this device') : s.error ? pushErrorText(s.error) : '';
    return html`<li data-testid="push-relay" data-registered=${String(s.registered)}>${s.relay.replace(/\/gun$/, '')}: ${text}${s.detail ? ` (${s.detail})` : ''}</li>`;
  }

  override render() {
    if (!this.push) return nothing;
    const s = this.push.status();
    const registered = s.relays.filter((r) => r.registered).length;
    const stateText = s.busy
      ? msg('Working…')
      : s.enabled
        ? registered === 1
          ? msg('On: 1 relay will notify this device.')
          : msg(str`On: ${formatNumber(registered)} relays will notify this device.`)
        : msg('Off.');
    return html`<section aria-labelledby="push-heading">
      <h2 id="push-heading">${msg('Notifications when the app is closed')}</h2>
      <p class="muted">
        ${msg('Your relays send this device a push (through the browser’s push service) when someone writes in one of your chats. The push carries no text and no names, only the chat’s opaque id; the relays learn which of those ids this device follows.')}
      </p>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          data-testid="push-toggle"
          .checked=${live(s.enabled)}
          ?disabled=${s.busy || (!s.supported && !s.enabled)}
          @change=${this.toggle}
        />
        ${msg('Push notifications through my relays')}
      </label>
      <p role="status" data-testid="push-state" data-enabled=${String(s.enabled)} aria-busy=${String(s.busy)}>${stateText}</p>
      ${s.relays.length ? html`<ul aria-label=${msg('Relays')}>${s.relays.map((r) => this.relayLine(r))}</ul>` : nothing}
      <p class="error" role="alert" data-testid="push-error">${s.error ? pushErrorText(s.error) : !s.supported ? pushErrorText('unsupported') : ''}</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-push-settings': MdPushSettings;
  }
}
