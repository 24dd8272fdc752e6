import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext, type ShellApi } from './context.js';
import { BusyController } from './busy.js';
import { ChannelsController, ContactsController } from './data.js';
import { LeaveScreenEvent, NavigateEvent, type ChannelDetail, type GroupMemberDetail, type GroupMembersDetail } from './events.js';
import { baseStyles } from './styles.js';
import './md-group-info.js';

/**
 * Screen `#/group/<id>`: about one chat. Groups get members, adding, removing and leaving (md-group-info);
 * every chat gets the per-chat "mute notifications" switch.
 */
@customElement('md-group-screen')
export class MdGroupScreen extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .mute {
        padding: 0 1rem 1rem;
      }
      .direct {
        padding: 1rem;
      }
      .direct h2:focus {
        outline: none;
      }
      label {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        min-height: 44px;
      }
      input[type='checkbox'] {
        min-height: auto;
        width: 1.2rem;
        height: 1.2rem;
      }
    `,
  ];

  @consume({ context: apiContext, subscribe: true })
  @state()
  app?: ShellApi;

  /** The chat described. */
  @property() channelId = '';

  @state() private error = '';
  @state() private muteError = '';
  private readonly channels = new ChannelsController(this, () => this.app);
  private readonly contacts = new ContactsController(this, () => this.app);
  private readonly work = new BusyController(this);

  /** Set when focus should go to the heading as soon as the chat is on screen. */
  private focusPending = false;

  /** Moves focus to the screen's heading once the chat is shown (its summary may still be loading). */
  focusHeading(): void {
    this.focusPending = true;
    this.requestUpdate();
  }

  protected override updated(): void {
    if (!this.focusPending) return;
    const info = this.renderRoot.querySelector('md-group-info');
    const heading = this.renderRoot.querySelector<HTMLElement>('h2');
    if (!info && !heading) return;
    this.focusPending = false;
    if (info) void info.updateComplete.then(() => info.focusHeading());
    else heading?.focus();
  }

  private addMembers(e: CustomEvent<GroupMembersDetail>) {
    const app = this.app;
    if (!app) return;
    void this.work.run(async () => {
      await app.addGroupMembers(e.detail.channelId, e.detail.pubs);
      await this.channels.refresh();
    }, (m) => (this.error = m));
  }

  private removeMember(e: CustomEvent<GroupMemberDetail>) {
    const app = this.app;
    if (!app) return;
    void this.work.run(async () => {
      await app.removeGroupMember(e.detail.channelId, e.detail.pub);
      await this.channels.refresh();
    }, (m) => (this.error = m));
  }

  private leaveGroup(e: CustomEvent<ChannelDetail>) {
    const app = this.app;
    if (!app) return;
    void this.work.run(async () => {
      await app.leaveGroup(e.detail.channelId);
      this.dispatchEvent(new NavigateEvent({ screen: 'chats' }, true));
    }, (m) => (this.error = m));
  }

  private setMuted(e: Event) {
    const app = this.app;
    const muted = (e.target as HTMLInputElement).checked;
    if (!app?.setChannelMuted) {
      this.muteError = 'Muting is not available in this version.';
      return;
    }
    void this.work.run(async () => {
      await app.setChannelMuted!(this.channelId, muted);
      await this.channels.refresh();
    }, (m) => (this.muteError = m));
  }

  private renderMute(muted: boolean) {
    return html`<div class="mute">
      <label><input type="checkbox" data-testid="mute-chat" .checked=${muted} ?disabled=${this.work.busy} @change=${this.setMuted} />Mute notifications for this chat</label>
      <p class="error" role="alert">${this.muteError}</p>
    </div>`;
  }

  override render() {
    const ch = this.channels.find(this.channelId);
    const me = this.app?.identity;
    if (!ch || !me) return html`<p class="direct" role="status">${this.channels.loaded ? 'This chat is not on this device.' : 'Loading…'}</p>`;
    const back = () => this.dispatchEvent(new LeaveScreenEvent());
    if (ch.kind !== 'group') {
      return html`<section class="direct">
          <button class="secondary" @click=${back}>← Back to chat</button>
          <h2 tabindex="-1">${ch.title}</h2>
          <p class="muted">Direct chat</p>
        </section>
        ${this.renderMute(!!ch.muted)}`;
    }
    return html`<md-group-info
        .channel=${ch}
        .contacts=${this.contacts.items}
        .myPub=${me.pair.pub}
        .myName=${me.name}
        .error=${this.error}
        ?busy=${this.work.busy}
        @back=${back}
        @add-members=${this.addMembers}
        @remove-member=${this.removeMember}
        @leave-group=${this.leaveGroup}
      ></md-group-info>
      ${ch.closed ? nothing : this.renderMute(!!ch.muted)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-group-screen': MdGroupScreen;
  }
}
