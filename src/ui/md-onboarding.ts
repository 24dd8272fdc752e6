import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { baseStyles } from './styles.js';
import { emit, type CreateIdentityDetail } from './events.js';
import { NAME_MAX_LENGTH } from '../core/identity.js';
import './md-backup-import.js';
import './md-device-join.js';
import type { DevicesApi } from '../core/devices-api.js';

/** First run: choose a display name (creates a key pair) or restore one from a backup. */
@customElement('md-onboarding')
export class MdOnboarding extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 32rem;
        margin: 2rem auto;
        padding: 0 1rem;
      }
      form {
        display: grid;
        gap: 0.6em;
      }
      section + section {
        margin-top: 2rem;
      }
    `,
  ];

  @property() error = '';
  @property() importError = '';
  @property({ type: Boolean }) busy = false;
  /** The controller's devices part, for "Link to an existing account". */
  @property({ attribute: false }) devicesApi?: DevicesApi;
  /** A device link the app was opened with, pre-filled in the link form. */
  @property() deviceLink = '';
  @query('#name') private nameInput!: HTMLInputElement;

  private submit(e: Event) {
    e.preventDefault();
    emit<CreateIdentityDetail>(this, 'create-identity', { name: this.nameInput.value });
  }

  override render() {
    return html`<section>
        <h1>Welcome to Meshdrop</h1>
        <p>Private group chat and file drop with no server that owns your account. Your keys stay on this device.</p>
        <form novalidate @submit=${this.submit}>
          <label for="name">Display name</label>
          <input id="name" name="name" maxlength=${NAME_MAX_LENGTH} autocomplete="nickname" aria-describedby="name-error" />
          <button type="submit" ?disabled=${this.busy}>Create my identity</button>
          <p class="error" role="alert" id="name-error" data-testid="name-error">${this.error}</p>
        </form>
      </section>
      <section>
        <h2>Already use Meshdrop?</h2>
        <p class="muted">Restore your identity from a backup file exported on another device.</p>
        <md-backup-import .error=${this.importError} ?busy=${this.busy}></md-backup-import>
      </section>
      <section aria-labelledby="link-title">
        <h2 id="link-title">Link to an existing account</h2>
        <p class="muted">On your other device open “Settings” → “Link a new device”, then scan its QR code or paste its link here.</p>
        <md-device-join .api=${this.devicesApi} .link=${this.deviceLink}></md-device-join>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-onboarding': MdOnboarding;
  }
}
