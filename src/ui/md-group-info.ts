import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChannelSummary, ContactView, MemberView } from '../core/api.js';
import { baseStyles } from './styles.js';
import { emit, type ChannelDetail, type GroupMemberDetail, type GroupMembersDetail } from './events.js';

type Confirm = { kind: 'remove'; member: MemberView } | { kind: 'leave' };

/**
 * Group details: members with an admin badge; the admin can add and remove members, anyone can leave.
 * Destructive actions ask for confirmation inline (keyboard and screen-reader friendly, no native dialogs).
 */
@localized()
@customElement('md-group-info')
export class MdGroupInfo extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 1rem;
        max-width: 36rem;
        overflow-y: auto;
      }
      h2 {
        margin: 0.75rem 0;
        font-size: 1.2rem;
        overflow-wrap: anywhere;
      }
      h2:focus {
        outline: none;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0 0 1rem;
      }
      li {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        min-height: 44px;
        border-bottom: 1px solid var(--md-border);
        padding: 0.25rem 0;
      }
      .name {
        flex: 1;
        overflow-wrap: anywhere;
      }
      .badge {
        font-size: 0.75rem;
        border-radius: 4px;
        padding: 0.05rem 0.4rem;
        background: var(--md-accent);
        color: var(--md-on-accent);
      }
      .confirm p {
        margin-top: 0;
      }
      .confirm {
        border: 2px solid var(--md-error);
        border-radius: 8px;
        padding: 0.75rem;
        margin: 1rem 0;
        background: var(--md-surface);
      }
      .buttons {
        display: flex;
        gap: 0.5rem;
        flex-wrap: wrap;
      }
      button.danger {
        background: var(--md-error);
        /* --md-bg contrasts with the error colour in both themes (white would not on dark mode's light red). */
        color: var(--md-bg);
      }
      fieldset {
        border: 1px solid var(--md-border);
        border-radius: 8px;
        margin: 0 0 1rem;
      }
      label.check {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        min-height: 44px;
      }
      input[type='checkbox'] {
        min-height: auto;
        width: 1.2rem;
        height: 1.2rem;
      }
    `,
  ];

  @property({ attribute: false }) channel?: ChannelSummary;
  @property({ attribute: false }) contacts: ContactView[] = [];
  @property() myPub = '';
  @property() myName = '';
  @property() error = '';
  @property({ type: Boolean }) busy = false;
  @state() private confirm: Confirm | undefined;

  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('confirm') && this.confirm) this.renderRoot.querySelector<HTMLElement>('.confirm button.danger')?.focus();
  }

  /** The button that opened the confirmation, to return focus to when it is cancelled. */
  private opener: HTMLElement | null = null;

  private ask(c: Confirm | undefined) {
    if (c) this.opener = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    this.confirm = c;
    if (!c) void this.updateComplete.then(() => this.opener?.focus());
  }

  private readonly onConfirmKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.ask(undefined);
    }
  };

  private doConfirm() {
    const ch = this.channel;
    const c = this.confirm;
    if (!ch || !c) return;
    if (c.kind === 'remove') emit<GroupMemberDetail>(this, 'remove-member', { channelId: ch.id, pub: c.member.pub });
    else emit<ChannelDetail>(this, 'leave-group', { channelId: ch.id });
    this.confirm = undefined;
  }

  private addSelected(e: Event) {
    e.preventDefault();
    const ch = this.channel;
    if (!ch) return;
    const pubs = [...this.renderRoot.querySelectorAll<HTMLInputElement>('input[name="add"]:checked')].map((i) => i.value);
    if (pubs.length === 0) return;
    emit<GroupMembersDetail>(this, 'add-members', { channelId: ch.id, pubs });
  }

  private renderConfirm() {
    const c = this.confirm;
    if (!c) return nothing;
    const text =
      c.kind === 'remove'
        ? msg(str`Remove ${c.member.name} from the group? They will not be able to read messages sent after this.`)
        : msg('Leave this group? You will stop receiving its messages and cannot rejoin unless the admin adds you again.');
    return html`<div class="confirm" role="alertdialog" aria-labelledby="confirm-text" data-testid="confirm" @keydown=${this.onConfirmKey}>
      <p id="confirm-text">${text}</p>
      <div class="buttons">
        <button class="danger" @click=${this.doConfirm}>${c.kind === 'remove' ? msg('Yes, remove') : msg('Yes, leave')}</button>
        <button class="secondary" @click=${() => this.ask(undefined)}>${msg('Cancel')}</button>
      </div>
    </div>`;
  }

  override render() {
    const ch = this.channel;
    if (!ch) return nothing;
    const me: MemberView = { pub: this.myPub, name: this.myName };
    const members = [me, ...ch.members.filter((m) => m.pub !== this.myPub)];
    const inGroup = new Set(members.map((m) => m.pub));
    const addable = this.contacts.filter((c) => !inGroup.has(c.pub)).sort((a, b) => a.name.localeCompare(b.name));
    return html`<button class="secondary" @click=${() => emit(this, 'back', {})}>← ${msg('Back to chat')}</button>
      <h2 tabindex="-1">${ch.title}</h2>
      ${ch.closed ? html`<p class="muted" role="status">${msg('You are no longer a member of this group.')}</p>` : nothing}
      <h3 id="members-heading">${msg(str`Members (${members.length})`)}</h3>
      <ul aria-labelledby="members-heading" data-testid="group-members">
        ${members.map(
          (m) => html`<li data-testid="group-member" data-pub=${m.pub}>
            <span class="name">${m.name}${m.pub === this.myPub ? ` ${msg('(you)')}` : ''}</span>
            ${m.pub === ch.admin ? html`<span class="badge">${msg('admin')}</span>` : nothing}
            ${ch.isAdmin && !ch.closed && m.pub !== this.myPub
              ? html`<button class="secondary" ?disabled=${this.busy} aria-label=${msg(str`Remove ${m.name}`)} @click=${() => this.ask({ kind: 'remove', member: m })}>${msg('Remove')}</button>`
              : nothing}
          </li>`,
        )}
      </ul>
      ${this.renderConfirm()}
      ${ch.isAdmin && !ch.closed
        ? html`<form @submit=${this.addSelected}>
            <fieldset>
              <legend>${msg('Add members')}</legend>
              ${addable.length === 0
                ? html`<p class="muted">${msg('All your contacts are already in this group.')}</p>`
                : html`${addable.map((c) => html`<label class="check"><input type="checkbox" name="add" value=${c.pub} />${c.name}</label>`)}
                    <button type="submit" ?disabled=${this.busy}>${msg('Add selected')}</button>`}
            </fieldset>
          </form>`
        : nothing}
      ${ch.closed ? nothing : html`<button class="secondary" ?disabled=${this.busy} @click=${() => this.ask({ kind: 'leave' })}>${msg('Leave group')}</button>`}
      <p class="error" role="alert" data-testid="group-info-error">${this.error}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-group-info': MdGroupInfo;
  }
}
