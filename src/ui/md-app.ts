import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import type { MessageView } from '../core/api.js';
import { baseStyles } from './styles.js';
import type { CreateIdentityDetail, ImportBackupDetail, OpenChatDetail } from './events.js';
import { InviteUsedEvent, LeaveScreenEvent, NavigateEvent, ToastEvent, type JumpToMessageDetail } from './events.js';
import { messageOf } from './format.js';
import { apiContext, deviceContext, type ShellApi } from './context.js';
import type { DeviceApi } from '../core/device.js';
import { ChannelsController, ContactsController } from './data.js';
import { HOME, RouterController, chatOfRoute, inviteFromLocation, type Route } from './router.js';
import { shareErrorFromLocation, shareFromLocation } from './md-file-state.js';
import './md-connection-status.js';
import './md-onboarding.js';
import type { DevicesApi } from '../core/devices-api.js';
import './md-update-prompt.js';
import './md-chat-list.js';
import './md-chat-screen.js';
import './md-contacts-screen.js';
import './md-new-group-screen.js';
import './md-group-screen.js';
import './md-settings-screen.js';
import './md-share-screen.js';
import { DismissStorageWarningEvent } from './md-storage-warning.js';
import { NotifyPromptEvent } from './md-notify-prompt.js';
import { refusalText } from './device-text.js';

export type { ShellApi } from './context.js';
export { PAGE_SIZE } from './md-chat-screen.js';
export { inviteFromLocation } from './router.js';

/** A screen element that can move focus to its heading once shown. */
type Screen = HTMLElement & { focusHeading?: () => unknown };

/**
 * The application shell: provides the controller to the screens, renders the screen the router names (chat list
 * and detail side by side on wide screens, one pane at a time on narrow ones), onboarding, and the toast.
 */
@customElement('md-app')
export class MdApp extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100vh;
        height: 100dvh;
        background: var(--md-bg);
      }
      header {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        padding: 0.4rem 1rem;
        background: var(--md-surface);
        border-bottom: 1px solid var(--md-border);
        flex-wrap: wrap;
      }
      header h1 {
        font-size: 1.2rem;
        margin: 0;
        flex: 1;
      }
      .me {
        font-size: 0.9rem;
        color: var(--md-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 12rem;
      }
      .me strong {
        color: var(--md-fg);
      }
      main {
        flex: 1;
        min-height: 0;
        overflow: auto;
      }
      main.solo {
        padding: 1rem;
      }
      .split {
        display: grid;
        grid-template-columns: minmax(16rem, 22rem) 1fr;
        height: 100%;
        min-height: 0;
      }
      .list {
        border-right: 1px solid var(--md-border);
        background: var(--md-surface);
        overflow-y: auto;
        min-height: 0;
      }
      .detail {
        min-height: 0;
        min-width: 0;
        overflow-y: auto;
        display: flex;
        flex-direction: column;
      }
      .placeholder {
        margin: auto;
        padding: 2rem;
        text-align: center;
        flex: none;
      }
      .narrow-back {
        display: none;
        flex: none;
        padding: 0.5rem 1rem 0;
      }
      .short {
        display: none;
      }
      @media (max-width: 720px) {
        .narrow-back,
        .short {
          display: block;
        }
        .long {
          display: none;
        }
        header {
          flex-wrap: nowrap;
          padding: 0.4rem 0.5rem;
        }
        .split {
          grid-template-columns: 1fr;
        }
        .split[data-pane='detail'] .list,
        .split[data-pane='list'] .detail {
          display: none;
        }
        .me {
          display: none;
        }
      }
      .toast {
        position: fixed;
        bottom: 5rem;
        left: 50%;
        transform: translateX(-50%);
        background: var(--md-fg);
        color: var(--md-bg);
        padding: 0.5rem 1rem;
        border-radius: 8px;
        max-width: 90vw;
      }
      .toast:empty {
        display: none;
      }
    `,
  ];

  @provide({ context: apiContext })
  @property({ attribute: false })
  app?: ShellApi;

  /** The browser's device features, for the settings screen. */
  @provide({ context: deviceContext })
  @property({ attribute: false })
  device?: DeviceApi;

  @property({ type: Boolean }) updateReady = false;
  /** Lets the files feature render file messages with its own component (see md-chat-view). */
  @property({ attribute: false }) renderFile?: (message: MessageView) => unknown;

  @state() private busy = false;
  @state() private nameError = '';
  @state() private importError = '';
  @state() private pendingInvite = '';
  @state() private toast = '';
  /** The browser refused durable storage (and the user has not dismissed the warning). */
  @state() private storageAtRisk = false;
  private persistAsked = false;
  /** The notification offer in the list pane was answered in this session. */
  @state() private notifyPromptClosed = false;
  /** The offer's request was refused: what to tell the user instead. */
  @state() private notifyRefused = '';

  /** The current screen; reacts to back/forward, reload and links. */
  readonly router = new RouterController(
    this,
    (loc) => this.takeForeignHash(loc),
    () => (this.focusAfterRender = true),
  );
  /** The chat list pane's data (the screens load their own). */
  private readonly channels = new ChannelsController(this, () => this.app);
  private readonly contacts = new ContactsController(this, () => this.app);

  private hadIdentity = false;
  /** A device link the page was opened with (`#link=…`), for onboarding. */
  private pendingDeviceLink = '';
  private focusAfterRender = false;
  /** Chat to put focus on when returning to the list (the one just left). */
  private returnTo = '';

  private readonly onChange = () => {
    const has = !!this.app?.identity;
    // Onboarding just finished and an invite link is waiting: go straight to accepting it.
    if (has && !this.hadIdentity && this.pendingInvite) this.router.replace({ screen: 'contacts' });
    this.hadIdentity = has;
    this.requestUpdate();
  };

  /**
   * Address forms older than the router: `#invite=…` (invite links) and `#share=…` / `#share-error=…` (the
   * share target's redirect). They become routes in place, so the link itself stays out of history.
   */
  private takeForeignHash(loc: Location): boolean {
    const shareId = shareFromLocation(loc);
    const shareProblem = shareErrorFromLocation(loc);
    if (shareId || shareProblem) {
      if (shareProblem) this.toast = shareProblem;
      this.router.replace(shareId ? { screen: 'share', id: shareId } : HOME);
      return true;
    }
    if (loc.hash.startsWith('#link=')) {
      // A device link (scanned QR code): onboarding's "Link to an existing account" takes it.
      if (this.app?.identity) this.toast = 'This device already has an identity. Open the device link in a fresh profile.';
      else this.pendingDeviceLink = loc.href;
      this.router.replace(HOME);
      return true;
    }
    const link = inviteFromLocation(loc);
    if (!link) return false;
    this.pendingInvite = link;
    this.router.replace({ screen: 'contacts' });
    return true;
  }

  private listen(app: ShellApi | undefined, on: boolean): void {
    if (!app) return;
    if (on) app.addEventListener('change', this.onChange);
    else app.removeEventListener('change', this.onChange);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.listen(this.app, true);
    this.addEventListener(NavigateEvent.type, this.onNavigate);
    this.addEventListener(LeaveScreenEvent.type, this.onLeave);
    this.addEventListener(ToastEvent.type, this.onToast);
    this.addEventListener(InviteUsedEvent.type, this.onInviteUsed);
    this.addEventListener(DismissStorageWarningEvent.type, this.onDismissStorage);
    this.addEventListener(NotifyPromptEvent.type, this.onNotifyPrompt);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.listen(this.app, false);
    this.removeEventListener(NavigateEvent.type, this.onNavigate);
    this.removeEventListener(LeaveScreenEvent.type, this.onLeave);
    this.removeEventListener(ToastEvent.type, this.onToast);
    this.removeEventListener(InviteUsedEvent.type, this.onInviteUsed);
    this.removeEventListener(DismissStorageWarningEvent.type, this.onDismissStorage);
    this.removeEventListener(NotifyPromptEvent.type, this.onNotifyPrompt);
  }

  private readonly onNavigate = (e: NavigateEvent) => this.navigate(e.route, e.replace);
  private readonly onLeave = () => this.backToList();
  private readonly onToast = (e: ToastEvent) => (this.toast = e.message);
  private readonly onInviteUsed = () => (this.pendingInvite = '');
  private readonly onNotifyPrompt = (e: NotifyPromptEvent) => {
    const device = this.device;
    if (!e.enable || !device) {
      this.notifyPromptClosed = true;
      void this.app?.setPreferences?.({ notifyPromptDismissed: true }).catch((err: unknown) => (this.toast = messageOf(err)));
      return;
    }
    void device
      .requestNotifications()
      .then((result) => {
        this.notifyRefused = refusalText(result);
        if (!this.notifyRefused) this.notifyPromptClosed = true;
      })
      .catch((err: unknown) => (this.toast = messageOf(err)));
  };

  /** Offer notifications once a chat exists, until answered (never on first load: there is nothing to notify). */
  private get offerNotifications(): boolean {
    if (this.notifyPromptClosed || !this.device || this.app?.preferences?.notifyPromptDismissed !== false) return false;
    if (this.notifyRefused) return true;
    return this.channels.items.length > 0 && this.device.notificationPermission() === 'default';
  }

  private readonly onDismissStorage = () => {
    this.storageAtRisk = false;
    void this.app?.setPreferences?.({ storageWarningDismissed: true }).catch((err: unknown) => (this.toast = messageOf(err)));
  };

  /**
   * Once an identity exists its keys are worth keeping: ask the browser for durable storage (once per start; it
   * answers without a prompt in Chromium). A refusal shows a lasting warning until the user dismisses it.
   */
  private async keepStorage(): Promise<void> {
    const device = this.device;
    const app = this.app;
    if (this.persistAsked || !device || !app?.identity) return;
    this.persistAsked = true;
    try {
      const state = await device.persistStorage();
      this.storageAtRisk = state === 'refused' && !app.preferences?.storageWarningDismissed;
    } catch (err) {
      console.warn('persist() failed', err);
    }
  }

  /** Opens a screen (a new history entry unless `replace`). */
  navigate(route: Route, replace = false): void {
    if (replace) this.router.replace(route);
    else this.router.go(route);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('app')) {
      this.listen(changed.get('app') as ShellApi | undefined, false);
      this.listen(this.app, true);
      this.hadIdentity = !!this.app?.identity;
    }
    if (this.app?.identity && this.device && !this.persistAsked) void this.keepStorage();
  }

  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('toast') && this.toast) {
      clearTimeout(this.toastTimer);
      this.toastTimer = setTimeout(() => (this.toast = ''), 8000);
    }
    // The theme preference wins over the system's; index.html maps data-theme to the colours.
    const theme = this.app?.preferences?.theme ?? 'system';
    if (document.documentElement.dataset.theme !== theme) document.documentElement.dataset.theme = theme;
    const total = this.channels.items.reduce((n, c) => n + c.unread, 0);
    const title = total > 0 ? `(${total}) Meshdrop` : 'Meshdrop';
    if (document.title !== title) document.title = title; // setting it, even unchanged, costs a document update
    if (this.focusAfterRender && this.app?.identity) {
      this.focusAfterRender = false;
      const target = this.renderRoot.querySelector<Screen>('.detail > [data-screen]');
      // The screen renders its own content after this update: it focuses its heading once it has.
      if (target) void target.focusHeading?.();
      else this.renderRoot.querySelector('md-chat-list')?.focusList(this.returnTo);
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
    void this.run(async () => void (await app.importBackup(e.detail.text, e.detail.passphrase, { replace: false })), (m) => (this.importError = m));
  }

  /** A search result to show in its chat (a new object per choice, so choosing the same one again jumps again). */
  @state() private jumpTo: { channelId: string; messageId: string } | undefined;
  /** The chat list's search box runs this (stable, so the list does not re-render). */
  private readonly searchAll = (query: string) => this.app?.searchMessages(query) ?? Promise.resolve([]);
  private readonly onSearchResult = (e: CustomEvent<JumpToMessageDetail>) => {
    this.jumpTo = { ...e.detail };
    this.navigate({ screen: 'chat', id: e.detail.channelId });
    // Handed to the chat screen by this render only: a chat screen created later must not jump again.
    void this.updateComplete.then(() => (this.jumpTo = undefined));
  };

  private readonly backToList = () => {
    this.returnTo = chatOfRoute(this.router.route);
    this.router.back(HOME);
  };

  private renderScreen(route: Route) {
    switch (route.screen) {
      case 'chat':
        return html`<md-chat-screen data-screen .channelId=${route.id} .jumpTo=${this.jumpTo} .renderFile=${this.renderFile}></md-chat-screen>`;
      case 'contacts':
        return html`<md-contacts-screen data-screen .pendingInvite=${this.pendingInvite} ?scan=${route.scan ?? false}></md-contacts-screen>`;
      case 'new-group':
        return html`<md-new-group-screen data-screen></md-new-group-screen>`;
      case 'group':
        return html`<md-group-screen data-screen .channelId=${route.id}></md-group-screen>`;
      case 'settings':
        return html`<md-settings-screen data-screen></md-settings-screen>`;
      case 'share':
        return html`<md-share-screen data-screen .shareId=${route.id}></md-share-screen>`;
      case 'not-found':
        return html`<p class="placeholder" role="status" data-testid="not-found">
          There is no such screen here. <a href="#/chats">Go to the chats</a>
        </p>`;
      case 'chats':
        return html`<p class="muted placeholder">Choose a chat, or add a contact to start one.</p>`;
    }
  }

  /** On narrow screens only one pane shows: the list unless a chat or another screen is open. */
  private get pane(): 'list' | 'detail' {
    return this.router.route.screen === 'chats' ? 'list' : 'detail';
  }

  private renderMain() {
    const app = this.app;
    if (!app) return html`<main class="solo"><p role="status">Loading…</p></main>`;
    if (!app.identity) {
      return html`<main class="solo">
        ${this.pendingInvite ? html`<p role="status">Create your identity first; then you can accept the invite you opened.</p>` : nothing}
        <md-onboarding
          .error=${this.nameError}
          .importError=${this.importError}
          ?busy=${this.busy}
          @create-identity=${this.onCreate}
          @import-backup=${this.onImport}
          .devicesApi=${app as unknown as DevicesApi}
          .deviceLink=${this.pendingDeviceLink}
        ></md-onboarding>
      </main>`;
    }
    const route = this.router.route;
    const screen = route.screen;
    return html`<main>
      <div class="split" data-pane=${this.pane}>
        <div class="list">
          ${this.offerNotifications ? html`<md-notify-prompt .refused=${this.notifyRefused}></md-notify-prompt>` : nothing}
          <md-chat-list
            .channels=${this.channels.items}
            .selectedId=${screen === 'chat' ? route.id : ''}
            ?hasContacts=${this.contacts.items.length > 0}
            @open-chat=${(e: CustomEvent<OpenChatDetail>) => this.navigate({ screen: 'chat', id: e.detail.channelId })}
            .search=${this.searchAll}
            @open-search-result=${this.onSearchResult}
            @show-contacts=${() => this.navigate({ screen: 'contacts' })}
            @new-group=${() => this.navigate({ screen: 'new-group' })}
          ></md-chat-list>
        </div>
        <section class="detail" aria-label="Details">
          ${screen === 'contacts' || screen === 'new-group' || screen === 'settings' || screen === 'not-found'
            ? html`<div class="narrow-back"><button class="secondary" @click=${this.backToList}>← Chats</button></div>`
            : nothing}
          ${this.renderScreen(route)}
        </section>
      </div>
    </main>`;
  }

  override render() {
    const identity = this.app?.identity;
    const inSettings = this.router.route.screen === 'settings';
    return html`<header>
        <h1>Meshdrop</h1>
        ${identity ? html`<span class="me">Signed in as <strong data-testid="signed-in-name">${identity.name}</strong></span>` : nothing}
        ${this.app ? html`<md-connection-status .status=${this.app.status}></md-connection-status>` : nothing}
        ${identity
          ? inSettings
            ? html`<button class="secondary" @click=${this.backToList}>Back</button>`
            : html`<button class="secondary" aria-label="Settings: identity & backup, relays, notifications" @click=${() => this.navigate({ screen: 'settings' })}>
                Settings
              </button>`
          : nothing}
      </header>
      ${identity && this.storageAtRisk ? html`<md-storage-warning></md-storage-warning>` : nothing} ${this.renderMain()}
      <div class="toast" role="status" aria-live="polite" @click=${() => (this.toast = '')}>${this.toast}</div>
      ${this.updateReady ? html`<md-update-prompt @reload-update=${() => this.dispatchEvent(new Event('apply-update'))}></md-update-prompt>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-app': MdApp;
  }
}
