import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChannelSummary, ContactView, MeshdropApi, MessageView } from '../core/api.js';
import { baseStyles } from './styles.js';
import type {
  AcceptInviteDetail,
  AttachFilesDetail,
  ChannelDetail,
  CreateGroupDetail,
  CreateIdentityDetail,
  ExportBackupDetail,
  GroupMemberDetail,
  GroupMembersDetail,
  ImportBackupDetail,
  OpenChatDetail,
  SendTextDetail,
  SetVerifiedDetail,
} from './events.js';
import { formatBytes, messageOf } from './format.js';
import { capWindow, mergeIntoWindow, prependPage } from './messages-window.js';
import './md-connection-status.js';
import './md-onboarding.js';
import './md-identity-panel.js';
import './md-update-prompt.js';
import './md-relay-settings.js';
import type { SaveRelaysDetail } from './md-relay-settings.js';
import './md-chat-list.js';
import './md-chat-view.js';
import './md-contacts.js';
import './md-group-create.js';
import './md-group-info.js';
import './md-file-drop.js';
import './md-file-message.js';
import type { FileView } from './md-file-message.js';
import './md-share-picker.js';
import type { DiscardShareDetail, SendShareDetail } from './md-share-picker.js';
import { FileStateController, shareErrorFromLocation, shareFromLocation, type FileShellApi } from './md-file-state.js';

/**
 * What the shell needs from the controller. The file methods are implemented by the files feature; until the
 * controller has them, attaching files reports that it is unavailable instead of pretending to work.
 */
export type ShellApi = Omit<MeshdropApi, 'maxFileBytes' | 'sendFiles' | 'getFile' | 'pendingShares' | 'sendShare'> & FileShellApi;

type View = 'chats' | 'contacts' | 'new-group' | 'group-info' | 'identity' | 'share';

/** Messages loaded when a chat opens, and per "older" page. */
export const PAGE_SIZE = 50;

/** Saves text as a download without any server round trip. */
function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The invite link in the page address (`/#invite=…`), if the app was opened through one. */
export function inviteFromLocation(loc: Pick<Location, 'hash' | 'href'>): string {
  return loc.hash.startsWith('#invite=') ? loc.href : '';
}

/**
 * The application shell: owns the controller, keeps the lists the screens show in sync with its events, and
 * routes between screens (chat list + detail side by side on wide screens, one pane at a time on narrow ones).
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
      /* The chat view scrolls its own message list; every other screen scrolls with the pane. */
      .detail > md-chat-view {
        flex: 1;
        min-height: 0;
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

  @property({ attribute: false }) app?: ShellApi;
  @property({ type: Boolean }) updateReady = false;
  @state() private view: View = 'chats';
  @state() private chatId = '';
  @state() private channels: ChannelSummary[] = [];
  @state() private contacts: ContactView[] = [];
  @state() private messages: MessageView[] = [];
  @state() private hasMore = false;
  /** Newer messages were dropped from the window to keep the DOM small (see capWindow). */
  @state() private hasNewer = false;
  @state() private loadingOlder = false;
  @state() private busy = false;
  @state() private nameError = '';
  @state() private importError = '';
  @state() private exportError = '';
  @state() private notice = '';
  @state() private relayError = '';
  @state() private inviteLink = '';
  @state() private inviteError = '';
  @state() private addError = '';
  @state() private addNotice = '';
  @state() private pendingInvite = '';
  @state() private groupError = '';
  @state() private sendError = '';
  @state() private toast = '';
  /** Files: transfer state for the file bubbles and the pending share (md-file-state.ts). */
  private readonly fileState = new FileStateController(this, () => this.app);
  @state() private shareId = '';
  @state() private shareError = '';
  /** Lets the files feature render file messages with its own component (see md-chat-view). */
  @property({ attribute: false }) renderFile?: (message: MessageView) => unknown;

  private hadIdentity = false;
  /** Increments whenever another chat is opened, so late pages of the previous chat are ignored. */
  private loadToken = 0;
  private focusAfterRender = false;

  private readonly onChange = () => {
    const has = !!this.app?.identity;
    if (has && !this.hadIdentity) {
      void this.refreshAll();
      // Onboarding just finished and an invite link is waiting: go straight to accepting it.
      if (this.pendingInvite) this.show('contacts');
    }
    this.hadIdentity = has;
    this.requestUpdate();
  };
  private readonly onContacts = () => void this.refreshContacts();
  private readonly onChannels = () => void this.refreshChannels();
  private readonly onMessages = (e: Event) => {
    const { channelId, messages } = (e as CustomEvent<{ channelId: string; messages: MessageView[] }>).detail;
    if (channelId === this.chatId) this.messages = mergeIntoWindow(this.messages, messages, this.hasMore, this.hasNewer);
  };
  private readonly onHash = () => {
    const shareId = shareFromLocation(window.location);
    const shareProblem = shareErrorFromLocation(window.location);
    if (shareId || shareProblem) {
      if (shareProblem) this.toast = shareProblem;
      else this.openShare(shareId);
      history.replaceState(null, '', window.location.pathname + window.location.search);
      return;
    }
    const link = inviteFromLocation(window.location);
    if (!link) return;
    this.pendingInvite = link;
    this.addError = '';
    this.show('contacts');
    // Keep the link out of the address bar (and out of history) once it has been picked up.
    history.replaceState(null, '', window.location.pathname + window.location.search);
  };

  private listen(app: ShellApi | undefined, on: boolean): void {
    if (!app) return;
    const f = on ? app.addEventListener.bind(app) : app.removeEventListener.bind(app);
    f('change', this.onChange);
    f('contacts', this.onContacts);
    f('channels', this.onChannels);
    f('messages', this.onMessages);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.listen(this.app, true);
    window.addEventListener('hashchange', this.onHash);
    this.onHash();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.listen(this.app, false);
    window.removeEventListener('hashchange', this.onHash);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('app')) {
      this.listen(changed.get('app') as ShellApi | undefined, false);
      this.listen(this.app, true);
      this.hadIdentity = !!this.app?.identity;
      if (this.hadIdentity) void this.refreshAll();
      if (this.shareId) void this.fileState.openShare(this.shareId);
    }
    if (changed.has('messages')) this.fileState.track(this.messages);
  }

  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('toast') && this.toast) {
      clearTimeout(this.toastTimer);
      this.toastTimer = setTimeout(() => (this.toast = ''), 8000);
    }
    const total = this.channels.reduce((n, c) => n + c.unread, 0);
    const title = total > 0 ? `(${total}) Meshdrop` : 'Meshdrop';
    if (document.title !== title) document.title = title; // setting it, even unchanged, costs a document update
    if (this.focusAfterRender) {
      this.focusAfterRender = false;
      const target = this.renderRoot.querySelector<LitElement & { focusHeading?: () => void }>(
        '.detail > md-chat-view, .detail > md-contacts, .detail > md-group-create, .detail > md-group-info, .detail > md-identity-panel',
      );
      // The screen renders its own content after this update: focus once it has.
      if (target) void target.updateComplete.then(() => target.focusHeading?.());
      else this.renderRoot.querySelector('md-chat-list')?.focusList(this.returnTo);
    }
  }

  /** Switches screens and moves focus to the new screen's heading once it is rendered. */
  private show(view: View): void {
    this.view = view;
    this.focusAfterRender = true;
  }

  private async refreshAll(): Promise<void> {
    await Promise.all([this.refreshChannels(), this.refreshContacts()]);
  }

  /**
   * Bursts of 'channels' events (two or three per incoming message) would each reload every chat summary and
   * re-render: while a reload runs, further requests fold into one more reload after it. The returned promise
   * settles once a reload that started after the call has finished.
   */
  private channelsLoading: Promise<void> | undefined;
  private channelsAgain = false;

  private refreshChannels(): Promise<void> {
    if (this.channelsLoading) {
      this.channelsAgain = true;
      return this.channelsLoading;
    }
    this.channelsLoading = (async () => {
      do {
        this.channelsAgain = false;
        await this.loadChannels();
      } while (this.channelsAgain);
    })().finally(() => (this.channelsLoading = undefined));
    return this.channelsLoading;
  }

  private async loadChannels(): Promise<void> {
    const app = this.app;
    if (!app?.identity) return;
    try {
      this.channels = await app.listChannels();
    } catch (err) {
      this.toast = `Could not load chats: ${messageOf(err)}`;
    }
  }

  private contactsSeq = 0;

  private async refreshContacts(): Promise<void> {
    const app = this.app;
    if (!app?.identity) return;
    const seq = ++this.contactsSeq;
    try {
      const list = await app.listContacts();
      if (seq === this.contactsSeq) this.contacts = list;
    } catch (err) {
      this.toast = `Could not load contacts: ${messageOf(err)}`;
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

  // ---- identity ----

  private onCreate(e: CustomEvent<CreateIdentityDetail>) {
    const app = this.app;
    if (!app) return;
    void this.run(async () => void (await app.createIdentity(e.detail.name)), (m) => (this.nameError = m));
  }

  private onImport(e: CustomEvent<ImportBackupDetail>) {
    const app = this.app;
    if (!app) return;
    const previousPub = app.identity?.pair.pub;
    const replacing = previousPub !== undefined;
    const question = 'Replace the identity on this device with the one in the backup? The contacts and chats of the current identity will be removed from this device.';
    if (replacing && !confirm(question)) return;
    void this.run(async () => {
      const identity = await app.importBackup(e.detail.text, e.detail.passphrase, { replace: replacing });
      // A different person now: start from a clean page so nothing of the old identity stays on screen.
      if (replacing && identity.pair.pub !== previousPub) return window.location.reload();
      this.notice = `Restored identity “${identity.name}”.`;
      await this.refreshAll();
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

  // ---- chats ----

  private async openChat(channelId: string): Promise<void> {
    const app = this.app;
    if (!app) return;
    const token = ++this.loadToken;
    this.chatId = channelId;
    this.messages = [];
    this.hasMore = false;
    this.hasNewer = false;
    this.sendError = '';
    this.show('chats');
    if (!this.channels.some((c) => c.id === channelId)) {
      const ch = await app.getChannel(channelId);
      if (ch && token === this.loadToken) this.channels = [...this.channels.filter((c) => c.id !== ch.id), ch];
    }
    await this.loadNewest(channelId, token);
  }

  /** Loads the newest page of the open chat (on open, and to jump back after scrolling far up). */
  private async loadNewest(channelId: string, token = ++this.loadToken): Promise<void> {
    const app = this.app;
    if (!app) return;
    try {
      const page = await app.loadMessages(channelId, { limit: PAGE_SIZE });
      if (token !== this.loadToken) return;
      // Live updates may have arrived while the page was loading: keep those newer than the page.
      this.messages = mergeIntoWindow(page.messages, this.hasNewer ? [] : this.messages, page.hasMore);
      this.hasMore = page.hasMore;
      this.hasNewer = false;
    } catch (err) {
      if (token === this.loadToken) this.toast = `Could not load messages: ${messageOf(err)}`;
    }
  }

  private async loadOlder(): Promise<void> {
    const app = this.app;
    const first = this.messages[0];
    if (!app || !first || this.loadingOlder || !this.hasMore) return;
    const token = this.loadToken;
    this.loadingOlder = true;
    try {
      const page = await app.loadMessages(this.chatId, { before: { sentAt: first.sentAt, id: first.id, order: first.order }, limit: PAGE_SIZE });
      if (token !== this.loadToken) return;
      const { messages, trimmed } = capWindow(prependPage(this.messages, page.messages));
      this.messages = messages;
      this.hasMore = page.hasMore;
      if (trimmed) this.hasNewer = true;
    } catch (err) {
      this.toast = `Could not load older messages: ${messageOf(err)}`;
    } finally {
      this.loadingOlder = false;
    }
  }

  private onSendText(e: CustomEvent<SendTextDetail>) {
    const app = this.app;
    const channelId = this.chatId;
    if (!app || !channelId) return;
    this.sendError = '';
    const sending = app.sendText(channelId, e.detail.text).then(async (m) => {
      if (this.chatId !== channelId) return;
      // Scrolled far back: show the conversation's end, where the new message is.
      if (this.hasNewer) await this.loadNewest(channelId);
      else this.messages = mergeIntoWindow(this.messages, [m], false);
    });
    e.detail.waitUntil(sending);
    sending.catch((err: unknown) => (this.sendError = `Not sent: ${messageOf(err)}`));
  }

  private onAttachFiles(e: CustomEvent<AttachFilesDetail>) {
    const app = this.app;
    const channelId = this.chatId;
    if (!app || !channelId) return;
    this.sendError = '';
    if (!app.sendFiles) {
      this.sendError = 'Sending files is not available in this version.';
      return;
    }
    app.sendFiles(channelId, e.detail.files).catch((err: unknown) => (this.sendError = messageOf(err)));
  }

  private onMarkRead(e: CustomEvent<ChannelDetail>) {
    void this.app?.markRead(e.detail.channelId).catch((err: unknown) => console.warn('markRead failed', err));
  }

  // ---- files ----

  /** File message bodies; a new function whenever transfer state changes, so the chat view re-renders. */
  private fileBubbleCache: { views: ReadonlyMap<string, FileView>; render: (m: MessageView) => unknown } | undefined;

  /** The same function while the file states are unchanged, so the chat view can skip re-rendering its list. */
  private fileBubble(views: ReadonlyMap<string, FileView>) {
    if (this.fileBubbleCache?.views !== views) {
      this.fileBubbleCache = {
        views,
        render: (m: MessageView) =>
          m.file ? html`<md-file-message .file=${m.file} .state=${views.get(m.file.fileId)} ?mine=${m.mine}></md-file-message>` : nothing,
      };
    }
    return this.fileBubbleCache.render;
  }


  private openShare(shareId: string): void {
    this.shareId = shareId;
    this.shareError = '';
    this.show('share');
    if (this.app) void this.fileState.openShare(shareId);
  }

  private onSendShare(e: CustomEvent<SendShareDetail>) {
    const app = this.app;
    if (!app?.sendShare) return;
    const { shareId, channelId } = e.detail;
    void this.run(async () => {
      await app.sendShare!(shareId, channelId);
      this.shareId = '';
      this.fileState.closeShare();
      await this.openChat(channelId);
    }, (m) => (this.shareError = m));
  }

  private onDiscardShare(e: CustomEvent<DiscardShareDetail>) {
    const app = this.app;
    void this.run(async () => {
      await app?.discardShare?.(e.detail.shareId);
      this.shareId = '';
      this.fileState.closeShare();
      this.backToList();
    }, (m) => (this.shareError = m));
  }

  // ---- contacts ----

  private createInvite() {
    const app = this.app;
    if (!app) return;
    void this.run(async () => void (this.inviteLink = await app.createInviteLink()), (m) => (this.inviteError = m));
  }

  private acceptInvite(e: CustomEvent<AcceptInviteDetail>) {
    const app = this.app;
    if (!app) return;
    const link = e.detail.link;
    this.addNotice = '';
    if (!link) {
      this.addError = 'Paste an invite link first.';
      return;
    }
    void this.run(async () => {
      const contact = await app.acceptInviteLink(link);
      this.pendingInvite = '';
      this.addNotice = `${contact.name} was added to your contacts.`;
      this.renderRoot.querySelector('md-contacts')?.clearAddField();
      await this.refreshAll();
    }, (m) => (this.addError = m));
  }

  private setVerified(e: CustomEvent<SetVerifiedDetail>) {
    const app = this.app;
    if (!app) return;
    void app
      .setContactVerified(e.detail.pub, e.detail.verified)
      .then(() => this.refreshContacts())
      .catch((err: unknown) => (this.toast = messageOf(err)));
  }

  // ---- groups ----

  private createGroup(e: CustomEvent<CreateGroupDetail>) {
    const app = this.app;
    if (!app) return;
    void this.run(async () => {
      const ch = await app.createGroup(e.detail.title, e.detail.members);
      await this.refreshChannels();
      await this.openChat(ch.id);
    }, (m) => (this.groupError = m));
  }

  private addMembers(e: CustomEvent<GroupMembersDetail>) {
    const app = this.app;
    if (!app) return;
    void this.run(async () => {
      await app.addGroupMembers(e.detail.channelId, e.detail.pubs);
      await this.refreshChannels();
    }, (m) => (this.groupError = m));
  }

  private removeMember(e: CustomEvent<GroupMemberDetail>) {
    const app = this.app;
    if (!app) return;
    void this.run(async () => {
      await app.removeGroupMember(e.detail.channelId, e.detail.pub);
      await this.refreshChannels();
    }, (m) => (this.groupError = m));
  }

  private leaveGroup(e: CustomEvent<ChannelDetail>) {
    const app = this.app;
    if (!app) return;
    void this.run(async () => {
      await app.leaveGroup(e.detail.channelId);
      await this.refreshChannels();
      this.show('chats');
    }, (m) => (this.groupError = m));
  }

  // ---- rendering ----

  private get currentChannel(): ChannelSummary | undefined {
    return this.channels.find((c) => c.id === this.chatId);
  }

  private renderDetail(app: ShellApi) {
    const identity = app.identity!;
    switch (this.view) {
      case 'identity':
        return html`<md-identity-panel
          style="padding:1rem"
          .name=${identity.name}
          .pub=${identity.pair.pub}
          .exportError=${this.exportError}
          .importError=${this.importError}
          .notice=${this.notice}
          ?busy=${this.busy}
          @export-backup=${this.onExport}
          @import-backup=${this.onImport}
        ></md-identity-panel>
          <md-relay-settings style="padding:1rem" .relays=${app.relays} .error=${this.relayError} @save-relays=${this.onSaveRelays}></md-relay-settings>`;
      case 'contacts':
        return html`<md-contacts
          .inviteLink=${this.inviteLink}
          .inviteError=${this.inviteError}
          .contacts=${this.contacts}
          .addError=${this.addError}
          .addNotice=${this.addNotice}
          .pendingInvite=${this.pendingInvite}
          ?busy=${this.busy}
          @create-invite=${this.createInvite}
          @accept-invite=${this.acceptInvite}
          @set-verified=${this.setVerified}
          @open-chat=${(e: CustomEvent<OpenChatDetail>) => void this.openChat(e.detail.channelId)}
        ></md-contacts>`;
      case 'new-group':
        return html`<md-group-create
          .contacts=${this.contacts}
          .error=${this.groupError}
          ?busy=${this.busy}
          @create-group=${this.createGroup}
          @cancel=${() => this.show('chats')}
        ></md-group-create>`;
      case 'group-info':
        return html`<md-group-info
          .channel=${this.currentChannel}
          .contacts=${this.contacts}
          .myPub=${identity.pair.pub}
          .myName=${identity.name}
          .error=${this.groupError}
          ?busy=${this.busy}
          @back=${() => this.show('chats')}
          @add-members=${this.addMembers}
          @remove-member=${this.removeMember}
          @leave-group=${this.leaveGroup}
        ></md-group-info>`;
      case 'share':
        return html`<md-share-picker
          style="padding:1rem"
          .share=${this.fileState.share}
          .channels=${this.channels}
          .error=${this.shareError}
          ?busy=${this.busy}
          @send-share=${this.onSendShare}
          @discard-share=${this.onDiscardShare}
        ></md-share-picker>`;
      case 'chats': {
        const ch = this.currentChannel;
        if (!ch) return html`<p class="muted placeholder">Choose a chat, or add a contact to start one.</p>`;
        return html`<md-chat-view
          .channel=${ch}
          .messages=${this.messages}
          ?hasMore=${this.hasMore}
          ?hasNewer=${this.hasNewer}
          @load-newest=${() => void this.loadNewest(this.chatId)}
          ?loadingOlder=${this.loadingOlder}
          .sendError=${this.sendError}
          .renderFile=${this.renderFile ?? this.fileBubble(this.fileState.views)}
          @load-older=${() => void this.loadOlder()}
          @send-text=${this.onSendText}
          @attach-files=${this.onAttachFiles}
          @mark-read=${this.onMarkRead}
          @show-group-info=${() => ((this.groupError = ''), this.show('group-info'))}
          @back=${this.backToList}
          ><md-file-drop slot="attach" ?disabled=${ch.closed} .limitText=${app.maxFileBytes ? `up to ${formatBytes(app.maxFileBytes)} per file` : ''}></md-file-drop
        ></md-chat-view>`;
      }
    }
  }

  /** Chat to put focus on when returning to the list (the one just left). */
  private returnTo = '';

  private readonly backToList = () => {
    this.returnTo = this.chatId;
    this.chatId = '';
    this.view = 'chats';
    this.focusAfterRender = true;
  };

  /** On narrow screens only one pane shows: the list unless a chat or another screen is open. */
  private get pane(): 'list' | 'detail' {
    return this.view === 'chats' && !this.chatId ? 'list' : 'detail';
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
        ></md-onboarding>
      </main>`;
    }
    return html`<main>
      <div class="split" data-pane=${this.pane}>
        <div class="list">
          <md-chat-list
            .channels=${this.channels}
            .selectedId=${this.view === 'chats' ? this.chatId : ''}
            ?hasContacts=${this.contacts.length > 0}
            @open-chat=${(e: CustomEvent<OpenChatDetail>) => void this.openChat(e.detail.channelId)}
            @show-contacts=${() => this.show('contacts')}
            @new-group=${() => ((this.groupError = ''), this.show('new-group'))}
          ></md-chat-list>
        </div>
        <section class="detail" aria-label="Details">
          ${this.view === 'contacts' || this.view === 'new-group' || this.view === 'identity'
            ? html`<div class="narrow-back"><button class="secondary" @click=${this.backToList}>← Chats</button></div>`
            : nothing}
          ${this.renderDetail(app)}
        </section>
      </div>
    </main>`;
  }

  override render() {
    const identity = this.app?.identity;
    return html`<header>
        <h1>Meshdrop</h1>
        ${identity ? html`<span class="me">Signed in as <strong data-testid="signed-in-name">${identity.name}</strong></span>` : nothing}
        ${this.app ? html`<md-connection-status .status=${this.app.status}></md-connection-status>` : nothing}
        ${identity
          ? html`<button class="secondary" aria-pressed=${this.view === 'identity'} @click=${() => (this.view === 'identity' ? this.backToList() : this.show('identity'))}>
              ${this.view === 'identity' ? 'Back' : html`<span class="long">Identity & backup</span><span class="short">Identity</span>`}
            </button>`
          : nothing}
      </header>
      ${this.renderMain()}
      <div class="toast" role="status" aria-live="polite" @click=${() => (this.toast = '')}>${this.toast}</div>
      ${this.updateReady ? html`<md-update-prompt @reload-update=${() => this.dispatchEvent(new Event('apply-update'))}></md-update-prompt>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-app': MdApp;
  }
}
