import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import './md-push-settings.js';
import type { DeviceApi, NotifyPermission, PersistState, StorageUse } from '../core/device.js';
import type { Theme } from '../core/preferences.js';
import { apiContext, deviceContext, type ShellApi } from './context.js';
import { BusyController } from './busy.js';
import { ToastEvent, type ExportBackupDetail, type ImportBackupDetail } from './events.js';
import { formatBytes, messageOf } from './format.js';
import { baseStyles } from './styles.js';
import { dismissedText, permissionText, persistText } from './device-text.js';
import { LOCALES, LOCALE_NAMES } from './i18n.js';
import './md-identity-panel.js';
import './md-relay-settings.js';
import './md-devices.js';
import type { DevicesApi } from '../core/devices-api.js';
import type { SaveRelaysDetail } from './md-relay-settings.js';
import { ListenController } from './listen.js';

/** Saves text as a download without any server round trip. */
function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The theme choices, labelled in the active language. */
const themes = (): { value: Theme; label: string }[] => [
  { value: 'system', label: msg('Same as the system') },
  { value: 'light', label: msg('Light') },
  { value: 'dark', label: msg('Dark') },
];

/**
 * Screen `#/settings`: notifications, theme, file size limit, relays, storage, identity and backup. Places are
 * kept for the push settings and linked devices (mounted by their features).
 */
@localized()
@customElement('md-settings-screen')
export class MdSettingsScreen extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 1rem;
        max-width: 40rem;
      }
      section {
        margin-bottom: 1.5rem;
      }
      h2 {
        font-size: 1.2rem;
      }
      h2:focus {
        outline: none;
      }
      h3 {
        font-size: 1.05rem;
        margin: 0.5rem 0;
      }
      label.check {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        min-height: 44px;
      }
      input[type='checkbox'],
      input[type='radio'] {
        min-height: auto;
        width: 1.2rem;
        height: 1.2rem;
      }
      fieldset {
        border: 1px solid var(--md-border);
        border-radius: 8px;
      }
      form {
        display: flex;
        gap: 0.5rem;
        align-items: end;
        flex-wrap: wrap;
      }
      form label {
        display: grid;
        gap: 0.25rem;
      }
    `,
  ];

  @consume({ context: apiContext, subscribe: true })
  @state()
  app?: ShellApi;

  @consume({ context: deviceContext, subscribe: true })
  @state()
  device?: DeviceApi;

  @state() private permission: NotifyPermission = 'unsupported';
  @state() private persist: PersistState | undefined;
  @state() private use: StorageUse | undefined;
  @state() private notifyError = '';
  @state() private notifyRefused = false;
  @state() private fileError = '';
  @state() private fileNotice = '';
  @state() private relayError = '';
  @state() private exportError = '';
  @state() private importError = '';
  @state() private notice = '';
  private readonly work = new BusyController(this);
  constructor() {
    super();
    // Re-renders on the controller's changes (relays, preferences) while on the page.
    new ListenController(this, () => this.app, { change: () => this.requestUpdate() });
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('device') && this.device) void this.readDevice(this.device);
  }

  private async readDevice(device: DeviceApi): Promise<void> {
    this.permission = device.notificationPermission();
    try {
      [this.persist, this.use] = await Promise.all([device.storagePersisted(), device.storageUse()]);
    } catch (err) {
      this.dispatchEvent(new ToastEvent(msg(str`Could not read the storage state: ${messageOf(err)}`)));
    }
  }

  /** Moves focus to the screen's heading. */
  async focusHeading(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#settings-heading')?.focus();
  }

  private async enableNotifications() {
    const device = this.device;
    if (!device) return;
    this.notifyError = '';
    try {
      this.permission = await device.requestNotifications();
      // Still "default": the prompt was dismissed or blocked by the browser without a lasting answer.
      if (this.permission === 'default') this.notifyRefused = true;
    } catch (err) {
      this.notifyError = messageOf(err);
    }
  }

  private setPreference(patch: Parameters<NonNullable<ShellApi['setPreferences']>>[0]) {
    const app = this.app;
    if (!app?.setPreferences) return;
    app.setPreferences(patch).catch((err: unknown) => this.dispatchEvent(new ToastEvent(msg(str`Not saved: ${messageOf(err)}`))));
  }

  private async askPersist() {
    const device = this.device;
    if (!device) return;
    this.persist = await device.persistStorage();
    this.use = await device.storageUse();
  }

  private saveFileLimit(e: Event) {
    e.preventDefault();
    const app = this.app;
    const input = this.renderRoot.querySelector<HTMLInputElement>('#max-file-mb');
    if (!app || !input) return;
    this.fileNotice = '';
    const mb = Number(input.value);
    if (!app.setMaxFileBytes) {
      this.fileError = msg('Changing the limit is not available in this version.');
      return;
    }
    if (!Number.isFinite(mb) || mb <= 0) {
      this.fileError = msg('Enter a size in megabytes, greater than 0.');
      return;
    }
    void this.work.run(async () => {
      await app.setMaxFileBytes!(Math.round(mb * 1024 * 1024));
      this.fileNotice = msg(str`Files up to ${formatBytes(app.maxFileBytes ?? 0)} are accepted.`);
    }, (m) => (this.fileError = m));
  }

  private onSaveRelays(e: CustomEvent<SaveRelaysDetail>) {
    const app = this.app;
    if (!app) return;
    void this.work.run(async () => {
      await app.setRelays(e.detail.relays);
      // GUN cannot drop peers cleanly at runtime; a reload starts it with exactly the saved list.
      window.location.reload();
    }, (m) => (this.relayError = m));
  }

  private onExport(e: CustomEvent<ExportBackupDetail>) {
    const app = this.app;
    if (!app?.identity) return;
    const name = app.identity.name;
    void this.work.run(async () => {
      const text = await app.exportBackup(e.detail.passphrase);
      downloadText(`meshdrop-backup-${name.replace(/[^\w-]+/g, '_')}.json`, text);
      this.notice = msg('Backup exported.');
    }, (m) => (this.exportError = m));
  }

  private onImport(e: CustomEvent<ImportBackupDetail>) {
    const app = this.app;
    if (!app) return;
    const previousPub = app.identity?.pair.pub;
    const replacing = previousPub !== undefined;
    const question = msg(
      'Replace the identity on this device with the one in the backup? The contacts and chats of the current identity will be removed from this device.',
    );
    if (replacing && !confirm(question)) return;
    void this.work.run(async () => {
      const identity = await app.importBackup(e.detail.text, e.detail.passphrase, { replace: replacing });
      // A different person now: start from a clean page so nothing of the old identity stays on screen.
      if (replacing && identity.pair.pub !== previousPub) return window.location.reload();
      this.notice = msg(str`Restored identity “${identity.name}”.`);
    }, (m) => (this.importError = m));
  }

  private renderNotifications() {
    const prefs = this.app?.preferences;
    return html`<section aria-labelledby="notify-heading">
      <h3 id="notify-heading">${msg('Notifications')}</h3>
      <p data-testid="notify-state" data-permission=${this.permission} role="status">
        ${this.notifyRefused && this.permission === 'default' ? dismissedText() : permissionText(this.permission)}
      </p>
      ${this.permission === 'default' ? html`<button data-testid="enable-notifications" @click=${this.enableNotifications}>${msg('Turn on notifications')}</button>` : nothing}
      <p class="error" role="alert">${this.notifyError}</p>
      ${prefs
        ? html`<label class="check"
            ><input
              type="checkbox"
              data-testid="hide-previews"
              .checked=${prefs.hidePreviews}
              @change=${(e: Event) => this.setPreference({ hidePreviews: (e.target as HTMLInputElement).checked })}
            />${msg('Hide message text in notifications (show only who wrote)')}</label
          >`
        : nothing}
      <md-push-settings .push=${this.app?.push}></md-push-settings>
    </section>`;
  }

  private renderLanguage() {
    const prefs = this.app?.preferences;
    if (!prefs) return nothing;
    // Each language is named in itself (lang set on the option) so a reader finds their own in any UI language.
    return html`<section>
      <label for="language">${msg('Language')}</label>
      <select id="language" data-testid="language" @change=${(e: Event) => this.setPreference({ language: (e.target as HTMLSelectElement).value })}>
        <option value="" ?selected=${!prefs.language}>${msg('Same as the browser')}</option>
        ${LOCALES.map((l) => html`<option value=${l} lang=${l} ?selected=${prefs.language === l}>${LOCALE_NAMES[l] ?? l}</option>`)}
      </select>
    </section>`;
  }

  /** Seen receipts as just set here (the controller stores it; this avoids waiting for a re-render). */
  @state() private seenOn: boolean | undefined;

  private renderPrivacy() {
    const app = this.app;
    if (!app || typeof app.seenReceipts !== 'boolean') return nothing;
    const on = this.seenOn ?? app.seenReceipts;
    return html`<section aria-labelledby="privacy-heading">
      <h3 id="privacy-heading">${msg('Privacy')}</h3>
      <label class="check"
        ><input
          type="checkbox"
          data-testid="seen-receipts"
          .checked=${on}
          @change=${(e: Event) => {
            const next = (e.target as HTMLInputElement).checked;
            this.seenOn = next;
            app.setSeenReceipts(next).catch((err: unknown) => {
              this.seenOn = !next;
              this.dispatchEvent(new ToastEvent(msg(str`Not saved: ${messageOf(err)}`)));
            });
          }}
        />${msg('Send seen receipts (when off, others do not see when you read their messages, and you do not see theirs)')}</label
      >
    </section>`;
  }

  private renderTheme() {
    const theme = this.app?.preferences?.theme;
    if (!theme) return nothing;
    return html`<section>
      <fieldset>
        <legend>${msg('Theme')}</legend>
        ${themes().map(
          (t) => html`<label class="check"
            ><input type="radio" name="theme" value=${t.value} .checked=${theme === t.value} @change=${() => this.setPreference({ theme: t.value })} />${t.label}</label
          >`,
        )}
      </fieldset>
    </section>`;
  }

  private renderFiles() {
    const max = this.app?.maxFileBytes;
    if (!max) return nothing;
    return html`<section aria-labelledby="files-heading">
      <h3 id="files-heading">${msg('Files')}</h3>
      <form novalidate @submit=${this.saveFileLimit}>
        <label for="max-file-mb">${msg('Largest file to send or accept (MB)')}
          <input id="max-file-mb" type="number" min="0.001" step="any" inputmode="decimal" .value=${String(Math.round((max / 1024 / 1024) * 1000) / 1000)} />
        </label>
        <button type="submit" ?disabled=${this.work.busy}>${msg('Save limit')}</button>
      </form>
      <p class="error" role="alert">${this.fileError}</p>
      <p role="status">${this.fileNotice}</p>
    </section>`;
  }

  private renderStorage() {
    return html`<section aria-labelledby="storage-heading">
      <h3 id="storage-heading">${msg('Storage on this device')}</h3>
      <p data-testid="storage-used">
        ${this.use
          ? this.use.quota
            ? msg(str`Meshdrop uses ${formatBytes(this.use.usage)} of ${formatBytes(this.use.quota)} available.`)
            : msg(str`Meshdrop uses ${formatBytes(this.use.usage)}.`)
          : msg('Storage use is unknown.')}
      </p>
      ${this.persist
        ? html`<p data-testid="storage-persist" data-state=${this.persist}>${persistText(this.persist)}</p>
            ${this.persist === 'refused' ? html`<button class="secondary" @click=${this.askPersist}>${msg('Ask again to keep data')}</button>` : nothing}`
        : nothing}
    </section>`;
  }

  override render() {
    const app = this.app;
    const identity = app?.identity;
    if (!app || !identity) return html`<p role="status">${msg('Loading…')}</p>`;
    return html`<h2 id="settings-heading" tabindex="-1">${msg('Settings')}</h2>
      ${this.renderLanguage()} ${this.renderNotifications()} ${this.renderPrivacy()} ${this.renderTheme()} ${this.renderFiles()}
      <section aria-label=${msg('Relays')}>
        <md-relay-settings .relays=${app.relays} .error=${this.relayError} @save-relays=${this.onSaveRelays}></md-relay-settings>
      </section>
      ${this.renderStorage()}
      <md-devices .api=${app as unknown as DevicesApi}></md-devices>
      <md-identity-panel
        .name=${identity.name}
        .pub=${identity.pair.pub}
        .exportError=${this.exportError}
        .importError=${this.importError}
        .notice=${this.notice}
        ?busy=${this.work.busy}
        @export-backup=${this.onExport}
        @import-backup=${this.onImport}
      ></md-identity-panel>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-settings-screen': MdSettingsScreen;
  }
}
