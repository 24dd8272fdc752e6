import { localized, msg } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { baseStyles } from './styles.js';
import { emit, type ImportBackupDetail } from './events.js';

/** Pick a backup file and its passphrase; emits 'import-backup'. Errors are set by the parent. */
@localized()
@customElement('md-backup-import')
export class MdBackupImport extends LitElement {
  static override styles = [
    baseStyles,
    css`
      form {
        display: grid;
        gap: 0.6em;
      }
    `,
  ];

  @property() error = '';
  @property({ type: Boolean }) busy = false;
  @state() private localError = '';
  @query('input[type=file]') private fileInput!: HTMLInputElement;
  @query('input[type=password]') private passInput!: HTMLInputElement;

  private async submit(e: Event) {
    e.preventDefault();
    const file = this.fileInput.files?.[0];
    if (!file) {
      this.localError = msg('Choose a backup file first.');
      return;
    }
    if (file.size > 1_000_000) {
      this.localError = msg('That file is too large to be a Meshdrop backup.');
      return;
    }
    this.localError = '';
    emit<ImportBackupDetail>(this, 'import-backup', { text: await file.text(), passphrase: this.passInput.value });
  }

  override render() {
    const error = this.localError || this.error;
    return html`<form @submit=${this.submit} aria-label=${msg('Restore from backup')}>
      <label>${msg('Backup file')} <input type="file" name="backup" accept=".json,application/json" /></label>
      <label>${msg('Passphrase')} <input type="password" name="passphrase" autocomplete="current-password" /></label>
      <button type="submit" class="secondary" ?disabled=${this.busy}>${msg('Restore identity')}</button>
      <p class="error" role="alert" data-testid="import-error">${error}</p>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-backup-import': MdBackupImport;
  }
}
