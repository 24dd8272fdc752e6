import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext, type ShellApi } from './context.js';
import { BusyController } from './busy.js';
import { ChannelsController } from './data.js';
import { NavigateEvent } from './events.js';
import { FileStateController } from './md-file-state.js';
import './md-share-picker.js';
import type { DiscardShareDetail, SendShareDetail } from './md-share-picker.js';

/** Screen `#/share/<id>`: files shared into the app through the share target, waiting for a chat to go to. */
@customElement('md-share-screen')
export class MdShareScreen extends LitElement {
  static override styles = css`
    :host {
      display: block;
      padding: 1rem;
    }
  `;

  @consume({ context: apiContext, subscribe: true })
  @state()
  app?: ShellApi;

  /** The pending share shown. */
  @property() shareId = '';

  @state() private error = '';
  private readonly channels = new ChannelsController(this, () => this.app);
  private readonly fileState = new FileStateController(this, () => this.app);
  private readonly work = new BusyController(this);

  override willUpdate(changed: Map<string, unknown>): void {
    if ((changed.has('app') || changed.has('shareId')) && this.app && this.shareId) void this.fileState.openShare(this.shareId);
  }

  /** Moves focus to the screen's heading. */
  async focusHeading(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector('md-share-picker')?.focus();
  }

  private onSendShare(e: CustomEvent<SendShareDetail>) {
    const app = this.app;
    if (!app?.sendShare) return;
    const { shareId, channelId } = e.detail;
    void this.work.run(async () => {
      await app.sendShare!(shareId, channelId);
      this.fileState.closeShare();
      this.dispatchEvent(new NavigateEvent({ screen: 'chat', id: channelId }, true));
    }, (m) => (this.error = m));
  }

  private onDiscardShare(e: CustomEvent<DiscardShareDetail>) {
    const app = this.app;
    void this.work.run(async () => {
      await app?.discardShare?.(e.detail.shareId);
      this.fileState.closeShare();
      this.dispatchEvent(new NavigateEvent({ screen: 'chats' }, true));
    }, (m) => (this.error = m));
  }

  override render() {
    return html`<md-share-picker
      .share=${this.fileState.share}
      .channels=${this.channels.items}
      .error=${this.error}
      ?busy=${this.work.busy}
      @send-share=${this.onSendShare}
      @discard-share=${this.onDiscardShare}
    ></md-share-picker>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-share-screen': MdShareScreen;
  }
}
