import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Meshdrop } from '../core/meshdrop.js';
import { baseStyles } from './styles.js';
import type { CreateIdentityDetail, ExportBackupDetail, ImportBackupDetail } from './events.js';
import './md-connection-status.js';
import './md-onboarding.js';
import './md-identity-panel.js';
import './md-update-prompt.js';
import './md-relay-settings.js';
import type { SaveRelaysDetail } from './md-relay-settings.js';

type View = 'home' | 'identity';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Saves text as a download without any server round trip. */
function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The application shell: header with connection state, and the current screen. */
@customElement('md-app')
export class MdApp extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 100vh;
        background: var(--md-bg);
      }
      header {
        display: flex;
        align-items: center;
        gap: 1rem;
        padding: 0.5rem 1rem;
        background: var(--md-surface);
        border-bottom: 1px solid var(--md-border);
      }
      header h1 {
        font-size: 1.2rem;
        margin: 0;
        flex: 1;
      }
      main {
        flex: 1;
        padding: 1rem;
      }
    `,
  ];

  @property({ attribute: false }) app?: Meshdrop;
  @property({ type: Boolean }) updateReady = false;
  @state() private view: View = 'home';
  @state() private busy = false;
  @state() private nameError = '';
  @state() private importError = '';
  @state() private exportError = '';
  @state() private notice = '';
  @state() private relayError = '';

  private readonly onChange = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    this.app?.addEventListener('change', this.onChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.app?.removeEventListener('change', this.onChange);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('app')) {
      (changed.get('app') as Meshdrop | undefined)?.removeEventListener('change', this.onChange);
      this.app?.addEventListener('change', this.onChange);
    }
  }

  private async run(task: () => Promise<void>, setError: (m: string) => void): Promise<void> {
    this.busy = true;
    setError('');
    try {
      await task();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      this.busy = false;
    }
  }

  private onCreate(e: CustomEvent<CreateIdentityDetail>) {
    const app = this.app;
    if (!app) return;
    void this.run(async () => void (await app.createIdentity(e.detail.name)), (m) => (this.nameError = m));
  }

  private onImport(e: CustomEvent<ImportBackupDetail>) {
    const app = this.app;
    if (!app) return;
    const replacing = !!app.identity;
    if (replacing && !confirm('Replace the identity on this device with the one in the backup?')) return;
    void this.run(async () => {
      const identity = await app.importBackup(e.detail.text, e.detail.passphrase, { replace: replacing });
      this.notice = `Restored identity “${identity.name}”.`;
    }, (m) => (this.importError = m));
  }

  private onExport(e: CustomEvent<ExportBackupDetail>) {
    const app = this.app;
    if (!app?.identity) return;
    const name = app.identity.name;
    void this.run(async () => {
      const text = await app.exportBackup(e.detail.passphrase);
      downloadText(`meshdrop-backup-${name.replace(/[^\w-]+/g, '_')}.json`, text);
      this.notice = 'Backup exported.';
    }, (m) => (this.exportError = m));
  }

  private onSaveRelays(e: CustomEvent<SaveRelaysDetail>) {
    const app = this.app;
    if (!app) return;
    void this.run(async () => {
      await app.setRelays(e.detail.relays);
      // GUN cannot drop peers cleanly at runtime; a reload starts it with exactly the saved list.
      window.location.reload();
    }, (m) => (this.relayError = m));
  }

  private renderMain() {
    const app = this.app;
    const identity = app?.identity;
    if (!app) return html`<p role="status">Loading…</p>`;
    if (!identity) {
      return html`<md-onboarding
        .error=${this.nameError}
        .importError=${this.importError}
        ?busy=${this.busy}
        @create-identity=${this.onCreate}
        @import-backup=${this.onImport}
      ></md-onboarding>`;
    }
    if (this.view === 'identity') {
      return html`<md-identity-panel
        .name=${identity.name}
        .pub=${identity.pair.pub}
        .exportError=${this.exportError}
        .importError=${this.importError}
        .notice=${this.notice}
        ?busy=${this.busy}
        @export-backup=${this.onExport}
        @import-backup=${this.onImport}
      ></md-identity-panel>
        <md-relay-settings .relays=${app.relays} .error=${this.relayError} @save-relays=${this.onSaveRelays}></md-relay-settings>`;
    }
    return html`<p>Signed in as <strong data-testid="signed-in-name">${identity.name}</strong>.</p>`;
  }

  override render() {
    const identity = this.app?.identity;
    return html`<header>
        <h1>Meshdrop</h1>
        ${this.app ? html`<md-connection-status .status=${this.app.status}></md-connection-status>` : nothing}
        ${identity
          ? html`<button class="secondary" aria-pressed=${this.view === 'identity'} @click=${() => (this.view = this.view === 'identity' ? 'home' : 'identity')}>
              ${this.view === 'identity' ? 'Back' : 'Identity & backup'}
            </button>`
          : nothing}
      </header>
      <main>${this.renderMain()}</main>
      ${this.updateReady ? html`<md-update-prompt @reload-update=${() => this.dispatchEvent(new Event('apply-update'))}></md-update-prompt>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-app': MdApp;
  }
}
