import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import type { MessageView } from '../core/api.js';
import { apiContext, type ShellApi } from './context.js';
import { ChannelController } from './data.js';
import {
  LeaveScreenEvent,
  NavigateEvent,
  ToastEvent,
  type AttachFilesDetail,
  type ChannelDetail,
  type JumpToMessageDetail,
  type MessageActionDetail,
  type SendTextDetail,
} from './events.js';
import { runMessageAction } from './message-actions.js';
import { formatBytes, messageOf } from './format.js';
import { capWindow, mergeIntoWindow, prependPage } from './messages-window.js';
import { FileStateController } from './md-file-state.js';
import { ListenController } from './listen.js';
import type { FileView } from './md-file-message.js';
import './md-chat-view.js';
import './md-file-drop.js';
import './md-file-message.js';

/** Messages loaded when a chat opens, and per "older" page. */
export const PAGE_SIZE = 50;

/**
 * Screen `#/chat/<id>`: one conversation. Owns the window of loaded messages (newest page on open, older pages on
 * scroll, live updates merged, see messages-window.ts), sending, and the state of the file bubbles on screen.
 */
@localized()
@customElement('md-chat-screen')
export class MdChatScreen extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 0;
      flex: 1;
    }
    md-chat-view {
      flex: 1;
      min-height: 0;
    }
    .placeholder {
      margin: auto;
      padding: 2rem;
      text-align: center;
      color: var(--md-muted);
    }
  `;

  @consume({ context: apiContext, subscribe: true })
  @state()
  app?: ShellApi;

  /** The chat shown. */
  @property() channelId = '';
  /** Lets the files feature render file messages with its own component (see md-chat-view). */
  @property({ attribute: false }) renderFile?: (message: MessageView) => unknown;
  /** Show this message in context (a search result): its page is loaded and it is scrolled to and focused. */
  @property({ attribute: false }) jumpTo?: { channelId: string; messageId: string };

  @state() private messages: MessageView[] = [];
  @state() private hasMore = false;
  /** Newer messages were dropped from the window to keep the DOM small (see capWindow). */
  @state() private hasNewer = false;
  @state() private loadingOlder = false;
  @state() private sendError = '';

  private readonly channels = new ChannelController(this, () => this.app);
  private readonly fileState = new FileStateController(this, () => this.app);
  /** Increments whenever another chat is opened, so late pages of the previous chat are ignored. */
  private loadToken = 0;

  private readonly onMessages = (e: Event) => {
    const { channelId, messages } = (e as CustomEvent<{ channelId: string; messages: MessageView[] }>).detail;
    if (channelId === this.channelId) this.messages = mergeIntoWindow(this.messages, messages, this.hasMore, this.hasNewer);
  };

  constructor() {
    super();
    // Live messages of the open chat, while this screen is on the page.
    new ListenController(this, () => this.app, { messages: this.onMessages });
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('channelId')) this.channels.show(this.channelId);
    if ((changed.has('app') || changed.has('channelId')) && this.app && this.channelId) this.open();
    if ((changed.has('jumpTo') || changed.has('channelId') || changed.has('app')) && this.app && this.jumpTo?.channelId === this.channelId) {
      const target = this.jumpTo.messageId;
      this.jumpTo = undefined; // once
      void this.jumpToMessage(this.channelId, target);
    }
    if (changed.has('messages')) this.fileState.track(this.messages);
  }

  /** Set when focus should go to the chat's heading as soon as the chat is on screen. */
  private focusPending = false;

  /** Moves focus to the chat's heading once the chat is shown (its summary may still be loading). */
  focusHeading(): void {
    // Opened on a search result: the found message takes the focus once shown, not the heading.
    if (this.jumpTo?.channelId === this.channelId || this.pendingReveal) return;
    this.focusPending = true;
    this.requestUpdate();
  }

  /** A message to scroll to and focus as soon as the chat view has rendered it (search result, quote). */
  private pendingReveal = '';

  protected override updated(): void {
    if (this.pendingReveal) {
      const shown = this.renderRoot.querySelector('md-chat-view');
      if (shown) {
        const id = this.pendingReveal;
        this.pendingReveal = '';
        this.focusPending = false; // the found message takes the focus, not the heading
        void shown.updateComplete.then(() => shown.revealMessage(id));
        return;
      }
    }
    const view = this.focusPending ? this.renderRoot.querySelector('md-chat-view') : null;
    if (!view) return;
    this.focusPending = false;
    void view.updateComplete.then(() => view.focusHeading());
  }

  private open(): void {
    const token = ++this.loadToken;
    this.messages = [];
    this.hasMore = false;
    this.hasNewer = false;
    this.sendError = '';
    void this.loadNewest(this.channelId, token);
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
      if (token === this.loadToken) this.toast(msg(str`Could not load messages: ${messageOf(err)}`));
    }
  }

  private async loadOlder(): Promise<void> {
    const app = this.app;
    const first = this.messages[0];
    if (!app || !first || this.loadingOlder || !this.hasMore) return;
    const token = this.loadToken;
    this.loadingOlder = true;
    try {
      const page = await app.loadMessages(this.channelId, { before: { sentAt: first.sentAt, id: first.id, order: first.order }, limit: PAGE_SIZE });
      if (token !== this.loadToken) return;
      const { messages, trimmed } = capWindow(prependPage(this.messages, page.messages));
      this.messages = messages;
      this.hasMore = page.hasMore;
      if (trimmed) this.hasNewer = true;
    } catch (err) {
      this.toast(msg(str`Could not load older messages: ${messageOf(err)}`));
    } finally {
      this.loadingOlder = false;
    }
  }

  private toast(message: string): void {
    this.dispatchEvent(new ToastEvent(message));
  }

  private onSendText(e: CustomEvent<SendTextDetail>) {
    const app = this.app;
    const channelId = this.channelId;
    if (!app || !channelId) return;
    this.sendError = '';
    const { text, replyTo } = e.detail;
    const sending = (replyTo ? app.sendReply(channelId, text, replyTo) : app.sendText(channelId, text)).then(async (m) => {
      if (this.channelId !== channelId) return;
      // Scrolled far back: show the conversation's end, where the new message is.
      if (this.hasNewer) await this.loadNewest(channelId);
      else this.messages = mergeIntoWindow(this.messages, [m], false);
    });
    e.detail.waitUntil(sending);
    sending.catch((err: unknown) => (this.sendError = msg(str`Not sent: ${messageOf(err)}`)));
  }

  private onAttachFiles(e: CustomEvent<AttachFilesDetail>) {
    const app = this.app;
    const channelId = this.channelId;
    if (!app || !channelId) return;
    this.sendError = '';
    if (!app.sendFiles) {
      this.sendError = msg('Sending files is not available in this version.');
      return;
    }
    app.sendFiles(channelId, e.detail.files).catch((err: unknown) => (this.sendError = messageOf(err)));
  }

  /** Reactions, edits and deletions chosen in the chat view (reply and edit start in the view itself). */
  private onMessageAction(e: CustomEvent<MessageActionDetail>) {
    const app = this.app;
    if (!app) return;
    const done = runMessageAction(app, e.detail);
    e.detail.waitUntil?.(done);
    done.catch((err: unknown) => this.toast(messageOf(err)));
  }

  /** Loads the page around a message that is not in the window (quote, search result), then shows it. */
  private async jumpToMessage(channelId: string, messageId: string): Promise<void> {
    const app = this.app;
    if (!app) return;
    const token = ++this.loadToken;
    const page = await app.loadMessagesAround(channelId, messageId, PAGE_SIZE).catch(() => undefined);
    if (token !== this.loadToken) return;
    if (!page) {
      this.toast(msg('That message is no longer on this device.'));
      return;
    }
    this.messages = page.messages;
    this.hasMore = page.hasMore;
    this.hasNewer = page.hasNewer;
    // Revealed by updated() once the chat view shows this page: the view itself waits for the chat's summary,
    // which may still be loading when the page arrives.
    this.pendingReveal = messageId;
  }

  private onMarkRead(e: CustomEvent<ChannelDetail>) {
    void this.app?.markRead(e.detail.channelId).catch((err: unknown) => console.warn('markRead failed', err));
  }

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

  override render() {
    const app = this.app;
    const ch = this.channels.channel;
    if (!app || !ch) {
      return this.channels.loaded
        ? html`<p class="placeholder" role="status">${msg('This chat is not on this device.')}</p>`
        : html`<p class="placeholder" role="status">${msg('Loading…')}</p>`;
    }
    return html`<md-chat-view
      .channel=${ch}
      .messages=${this.messages}
      ?hasMore=${this.hasMore}
      ?hasNewer=${this.hasNewer}
      @load-newest=${() => void this.loadNewest(this.channelId)}
      ?loadingOlder=${this.loadingOlder}
      .sendError=${this.sendError}
      .renderFile=${this.renderFile ?? this.fileBubble(this.fileState.views)}
      @load-older=${() => void this.loadOlder()}
      @send-text=${this.onSendText}
      @attach-files=${this.onAttachFiles}
      @mark-read=${this.onMarkRead}
      @message-action=${this.onMessageAction}
      @jump-to-message=${(e: CustomEvent<JumpToMessageDetail>) => void this.jumpToMessage(e.detail.channelId, e.detail.messageId)}
      @show-group-info=${() => this.dispatchEvent(new NavigateEvent({ screen: 'group', id: this.channelId }))}
      @back=${() => this.dispatchEvent(new LeaveScreenEvent())}
      ><md-file-drop slot="attach" ?disabled=${ch.closed} .limitText=${app.maxFileBytes ? msg(str`up to ${formatBytes(app.maxFileBytes)} per file`) : ''}></md-file-drop
    ></md-chat-view>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-chat-screen': MdChatScreen;
  }
}
