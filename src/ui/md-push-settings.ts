import { LitElement, css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { baseStyles } from './styles.js';
import type { PushControls } from '../core/api.js';
import { PUSH_MESSAGES, type PushStatus } from '../core/push-service.js';

/** Re-renders its host whenever the push controls report a change. */
class PushStatusController implements ReactiveController {
  private source: PushControls | undefined;
  private readonly onChange = () => this.host.requestUpdate();
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  /** Follows `push` (call when the property changes). */
  follow(push: PushControls | undefined): void {
    this.source?.removeEventListener('change', this.onChange);
    this.source = push;
    push?.addEventListener('change', this.onChange);
  }
  hostDisconnected(): void {
    this.source?.removeEventListener('change', this.onChange);
  }
  hostConnected(): void {
    this.source?.addEventListener('change', this.onChange);
  }
}

/** Opt-in switch for Web Push through the relays, with its state and errors (hosted by the settings screen). */
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
        padding-left: 1.2em;
      }
      li {
        word-break: break-all;
      }
    `,
  ];

  /** The app's push controls; nothing is rendered without them. */
  @property({ attribute: false }) push?: PushControls;
  private readonly watcher = new PushStatusController(this);

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('push')) this.watcher.follow(this.push);
  }

  private toggle(e: Event) {
    // `live` puts the switch back to the real state after a failed attempt (the click already flipped it).
    const on = (e.target as HTMLInputElement).checked;
    void (on ? this.push?.enable() : this.push?.disable());
  }

  private relayLine(s: PushStatus['relays'][number]) {
    const text = s.registered ? 'will notify this device' : s.error ? PUSH_MESSAGES[s.error] : '';
    return html`<li data-testid="push-relay" data-registered=${String(s.registered)}>${s.relay.replace(/\/gun$/, '')}: ${text}${s.detail ? ` (${s.detail})` : ''}</li>`;
  }

  override render() {
    if (!this.push) return nothing;
    const s = this.push.status();
    const stateText = s.busy ? 'Working…' : s.enabled ? `On: ${s.relays.filter((r) => r.registered).length} relay(s) will notify this device.` : 'Off.';
    return html`<section aria-labelledby="push-heading">
      <h2 id="push-heading">Notifications when the app is closed</h2>
      <p class="muted">
        Your relays send this device a push (through the browser’s push service) when someone writes in one of your
        chats. The push carries no text and no names, only the chat’s opaque id; the relays learn which of those ids
        this device follows.
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
        Push notifications through my relays
      </label>
      <p role="status" data-testid="push-state" data-enabled=${String(s.enabled)} aria-busy=${String(s.busy)}>${stateText}</p>
      ${s.relays.length ? html`<ul aria-label="Relays">${s.relays.map((r) => this.relayLine(r))}</ul>` : nothing}
      <p class="error" role="alert" data-testid="push-error">${s.error ? PUSH_MESSAGES[s.error] : !s.supported ? PUSH_MESSAGES.unsupported : ''}</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-push-settings': MdPushSettings;
  }
}
