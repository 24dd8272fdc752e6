import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { baseStyles } from './styles.js';
import { emit, type ExportBackupDetail } from './events.js';
import { PASSPHRASE_MIN_LENGTH } from '../core/identity.js';
import './md-backup-import.js';

/** Shows who I am and offers a passphrase-encrypted backup export, and restore onto this device. */
@localized()
@customElement('md-identity-panel')
export class MdIdentityPanel extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: grid;
        gap: 0.6em;
        max-width: 28rem;
      }
      h2:focus {
        outline: none;
      }
      code {
        word-break: break-all;
      }
    `,
  ];

  @property() name = '';
  @property() pub = '';
  @property() exportError = '';
  @property() importError = '';
  @property() notice = '';
  @property({ type: Boolean }) busy = false;
  @state() private localError = '';
  @query('#pass1') private pass1!: HTMLInputElement;
  @query('#pass2') private pass2!: HTMLInputElement;

  private submitExport(e: Event) {
    e.preventDefault();
    if (this.pass1.value !== this.pass2.value) {
      this.localError = msg('The two passphrases do not match.');
      return;
    }
    if (this.pass1.value.length < PASSPHRASE_MIN_LENGTH) {
      this.localError = msg(str`Use a passphrase of at least ${PASSPHRASE_MIN_LENGTH} characters.`);
      return;
    }
    this.localError = '';
    emit<ExportBackupDetail>(this, 'export-backup', { passphrase: this.pass1.value });
  }

  /** Moves focus to the screen's heading (the shell calls this when switching to this screen). */
  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('#me')?.focus();
  }

  override render() {
    return html`<section aria-labelledby="me">
        <h2 id="me" tabindex="-1">${msg('Your identity')}</h2>
        <p>${msg('Name:')} <strong data-testid="my-name">${this.name}</strong></p>
        <p>${msg('Public key:')} <code data-testid="my-pub">${this.pub}</code></p>
      </section>
      <section aria-labelledby="backup">
        <h2 id="backup">${msg('Back up this identity')}</h2>
        <p class="muted">${msg('The backup file is encrypted with your passphrase. Anyone with the file and passphrase can act as you.')}</p>
        <form aria-label=${msg('Export backup')} @submit=${this.submitExport}>
          <label>${msg('Passphrase')} <input id="pass1" type="password" autocomplete="new-password" /></label>
          <label>${msg('Repeat passphrase')} <input id="pass2" type="password" autocomplete="new-password" /></label>
          <button type="submit" ?disabled=${this.busy}>${msg('Export backup')}</button>
          <p class="error" role="alert" data-testid="export-error">${this.localError || this.exportError}</p>
        </form>
      </section>
      <section aria-labelledby="restore">
        <h2 id="restore">${msg('Restore another identity onto this device')}</h2>
        <p class="muted">${msg('This replaces the identity on this device and removes its contacts and chats from this device. Back it up first.')}</p>
        <md-backup-import .error=${this.importError} ?busy=${this.busy}></md-backup-import>
      </section>
      <p role="status" data-testid="identity-notice">${this.notice}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-identity-panel': MdIdentityPanel;
  }
}
