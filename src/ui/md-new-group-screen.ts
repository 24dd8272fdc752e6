import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { apiContext, type ShellApi } from './context.js';
import { BusyController } from './busy.js';
import { ContactsController } from './data.js';
import { LeaveScreenEvent, NavigateEvent, type CreateGroupDetail } from './events.js';
import './md-group-create.js';

/** Screen `#/new-group`: pick a title and members; opens the new group's chat in place of this screen. */
@customElement('md-new-group-screen')
export class MdNewGroupScreen extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
  `;

  @consume({ context: apiContext, subscribe: true })
  @state()
  app?: ShellApi;

  @state() private error = '';
  private readonly contacts = new ContactsController(this, () => this.app);
  private readonly work = new BusyController(this);

  /** Moves focus to the screen's heading. */
  async focusHeading(): Promise<void> {
    await this.updateComplete;
    const el = this.renderRoot.querySelector('md-group-create');
    await el?.updateComplete;
    el?.focusHeading();
  }

  private createGroup(e: CustomEvent<CreateGroupDetail>) {
    const app = this.app;
    if (!app) return;
    void this.work.run(async () => {
      const ch = await app.createGroup(e.detail.title, e.detail.members);
      // Back from the new chat should not land on a form that was already submitted.
      this.dispatchEvent(new NavigateEvent({ screen: 'chat', id: ch.id }, true));
    }, (m) => (this.error = m));
  }

  override render() {
    return html`<md-group-create
      .contacts=${this.contacts.items}
      .error=${this.error}
      ?busy=${this.work.busy}
      @create-group=${this.createGroup}
      @cancel=${() => this.dispatchEvent(new LeaveScreenEvent())}
    ></md-group-create>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-new-group-screen': MdNewGroupScreen;
  }
}
