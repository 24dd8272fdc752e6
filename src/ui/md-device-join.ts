import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from './styles.js';
import type { DevicesApi } from '../core/devices-api.js';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Onboarding: "Link to an existing account". Takes the link made on the other device (pasted, or opened as the
 * page address), a name for this device, then shows the code to compare while the other device confirms.
 */
@customElement('md-device-join')
export class MdDeviceJoin extends LitElement {
  static override styles = [
    baseStyles,
    css`
      form {
        display: grid;
        gap: 0.6em;
      }
      .code {
        font-size: 1.6em;
        font-variant-numeric: tabular-nums;
        letter-spacing: 0.08em;
      }
    `,
  ];

  @property({ attribute: false }) api?: DevicesApi;
  /** The device link, when the app was opened through it (the shell passes it in). */
  @property() link = '';
  @state() private code = '';
  @state() private error = '';
  @state() private busy = false;

  private submit(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const link = (form.elements.namedItem('link') as HTMLInputElement).value;
    const name = (form.elements.namedItem('device-name') as HTMLInputElement).value;
    const api = this.api;
    if (!api) return;
    this.busy = true;
    this.error = '';
    this.code = '';
    api
      .linkToAccount(link, name, (code) => (this.code = code))
      .catch((err: unknown) => {
        this.error = messageOf(err);
        this.code = '';
      })
      .finally(() => (this.busy = false));
  }

  override render() {
    return html`<form novalidate @submit=${this.submit} aria-label="Link to an existing account">
      <label for="link">Device link from your other device</label>
      <input id="link" name="link" .value=${this.link} autocomplete="off" aria-describedby="link-error" />
      <label for="device-name">Name of this device</label>
      <input id="device-name" name="device-name" maxlength="40" placeholder="e.g. Laptop" aria-describedby="link-error" />
      <button type="submit" class="secondary" ?disabled=${this.busy}>Link this device</button>
      ${this.code
        ? html`<p role="status" data-testid="join-code">
            Your other device asks you to compare this code: <span class="code">${this.code}</span>. Confirm there if it matches. Waiting…
          </p>`
        : nothing}
      <p class="error" role="alert" id="link-error" data-testid="join-error">${this.error}</p>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-device-join': MdDeviceJoin;
  }
}
