import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext, type ShellApi } from './context.js';
import { BusyController } from './busy.js';
import { ContactsController } from './data.js';
import { InviteUsedEvent, NavigateEvent, ToastEvent, type AcceptInviteDetail, type OpenChatDetail, type SetVerifiedDetail } from './events.js';
import { messageOf } from './format.js';
import './md-contacts.js';

/** Screen `#/contacts`: my invite link, accepting someone's link, and the contact list with safety numbers. */
@customElement('md-contacts-screen')
export class MdContactsScreen extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
  `;

  @consume({ context: apiContext, subscribe: true })
  @state()
  app?: ShellApi;

  /** A link to offer accepting (from opening the app at /#invite=...). */
  @property() pendingInvite = '';
  /** Open the QR scanner at once (route `#/contacts/scan`). */
  @property({ type: Boolean }) scan = false;

  @state() private inviteLink = '';
  @state() private inviteError = '';
  @state() private addError = '';
  @state() private addNotice = '';
  private readonly contacts = new ContactsController(this, () => this.app);
  private readonly work = new BusyController(this);

  /** Moves focus to the screen's heading. */
  async focusHeading(): Promise<void> {
    await this.updateComplete;
    const el = this.renderRoot.querySelector('md-contacts');
    await el?.updateComplete;
    el?.focusHeading();
  }

  private createInvite() {
    const app = this.app;
    if (!app) return;
    void this.work.run(async () => void (this.inviteLink = await app.createInviteLink()), (m) => (this.inviteError = m));
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
    void this.work.run(async () => {
      const contact = await app.acceptInviteLink(link);
      this.dispatchEvent(new InviteUsedEvent());
      this.addNotice = `${contact.name} was added to your contacts.`;
      this.renderRoot.querySelector('md-contacts')?.clearAddField();
      await this.contacts.refresh();
    }, (m) => (this.addError = m));
  }

  private setVerified(e: CustomEvent<SetVerifiedDetail>) {
    void this.app
      ?.setContactVerified(e.detail.pub, e.detail.verified)
      .then(() => this.contacts.refresh())
      .catch((err: unknown) => this.dispatchEvent(new ToastEvent(messageOf(err))));
  }

  override render() {
    return html`<md-contacts
      .inviteLink=${this.inviteLink}
      .inviteError=${this.inviteError}
      .contacts=${this.contacts.items}
      .addError=${this.addError}
      .addNotice=${this.addNotice}
      .pendingInvite=${this.pendingInvite}
      ?scanning=${this.scan}
      ?busy=${this.work.busy}
      @create-invite=${this.createInvite}
      @accept-invite=${this.acceptInvite}
      @set-verified=${this.setVerified}
      @open-chat=${(e: CustomEvent<OpenChatDetail>) => this.dispatchEvent(new NavigateEvent({ screen: 'chat', id: e.detail.channelId }))}
    ></md-contacts>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-contacts-screen': MdContactsScreen;
  }
}
