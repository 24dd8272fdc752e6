import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ContactView } from '../core/api.js';
import { baseStyles } from './styles.js';
import './md-qr-scanner.js';
import type { QrScannedEvent } from './md-qr-scanner.js';
import { emit, type AcceptInviteDetail, type OpenChatDetail, type SetVerifiedDetail } from './events.js';
import './md-qr-code.js';

/** Splits a safety number into its 5-digit groups for display. */
export function safetyGroups(safetyNumber: string): string[] {
  return safetyNumber.trim().split(/\s+/).filter(Boolean);
}

/**
 * Contacts screen: my invite link (with copy button and QR code), a field to accept someone else's link, and
 * my contacts with their safety numbers and a "verified" toggle.
 */
@customElement('md-contacts')
export class MdContacts extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 1rem;
        max-width: 48rem;
        overflow-y: auto;
      }
      h2 {
        margin: 0 0 0.5rem;
        font-size: 1.2rem;
      }
      h2:focus {
        outline: none;
      }
      section {
        margin-bottom: 1.5rem;
        padding: 1rem;
        background: var(--md-surface);
        border: 1px solid var(--md-border);
        border-radius: 12px;
      }
      h3 {
        margin: 0 0 0.5rem;
        font-size: 1.05rem;
      }
      .row {
        display: flex;
        gap: 0.5rem;
        flex-wrap: wrap;
        align-items: center;
      }
      .row input {
        flex: 1 1 16rem;
        min-width: 0;
      }
      .invite {
        display: grid;
        gap: 0.75rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.75rem;
      }
      li {
        border-top: 1px solid var(--md-border);
        padding-top: 0.75rem;
      }
      li:first-child {
        border-top: none;
        padding-top: 0;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .safety {
        font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
        display: grid;
        grid-template-columns: repeat(4, max-content);
        gap: 0.1rem 0.8rem;
        margin: 0.4rem 0;
        font-size: 0.95rem;
      }
      .verified-badge {
        color: var(--md-ok);
        font-size: 0.85rem;
        margin-inline-start: 0.4rem;
      }
      label.check {
        display: inline-flex;
        gap: 0.4rem;
        align-items: center;
        min-height: 44px;
      }
      input[type='checkbox'] {
        min-height: auto;
        width: 1.2rem;
        height: 1.2rem;
      }
      .ok {
        color: var(--md-ok);
        margin: 0;
      }
      md-qr-code {
        justify-self: start;
        --md-qr-size: min(300px, 70vw);
      }
    `,
  ];

  @property() inviteLink = '';
  @property() inviteError = '';
  @property({ attribute: false }) contacts: ContactView[] = [];
  @property() addError = '';
  @property() addNotice = '';
  /** A link to offer accepting (from opening the app at /#invite=...). */
  @property() pendingInvite = '';
  @property({ type: Boolean }) busy = false;
  @state() private copyNote = '';
  /** Camera scanner open (also set by the shell for the "Scan a code" shortcut). */
  @property({ type: Boolean }) scanning = false;
  @state() private scanError = '';
  @query('#add-link') private addInput?: HTMLInputElement;
  @query('#invite-link') private linkInput?: HTMLInputElement;

  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  focusAddField(): void {
    this.addInput?.focus();
  }

  protected override updated(changed: Map<string, unknown>): void {
    // Prefill once per offered link, without overwriting what the user is typing.
    if (changed.has('pendingInvite') && this.pendingInvite && this.addInput && this.addInput.value === '') {
      this.addInput.value = this.pendingInvite;
    }
  }

  private async copy() {
    try {
      await navigator.clipboard.writeText(this.inviteLink);
      this.copyNote = 'Invite link copied.';
    } catch {
      this.linkInput?.select();
      this.copyNote = 'Could not copy automatically: the link is selected, press Ctrl+C (or ⌘C) to copy it.';
    }
  }

  /** The system share sheet where the browser has one (phones); copying stays next to it. */
  private async share() {
    try {
      await navigator.share({ title: 'Meshdrop invite', text: 'Add me as a contact on Meshdrop:', url: this.inviteLink });
      this.copyNote = '';
    } catch (err) {
      if ((err as { name?: string }).name !== 'AbortError') await this.copy();
    }
  }

  private onScanned(e: QrScannedEvent) {
    this.scanning = false;
    if (!e.text.includes('#invite=')) {
      this.scanError = 'That QR code is not a Meshdrop invite link.';
      return;
    }
    this.scanError = '';
    if (this.addInput) this.addInput.value = e.text;
    emit<AcceptInviteDetail>(this, 'accept-invite', { link: e.text });
  }

  private submitAdd(e: Event) {
    e.preventDefault();
    emit<AcceptInviteDetail>(this, 'accept-invite', { link: this.addInput?.value.trim() ?? '' });
  }

  /** Clears the add field (the shell calls this after a successful add). */
  clearAddField(): void {
    if (this.addInput) this.addInput.value = '';
  }

  private renderInvite() {
    return html`<section aria-labelledby="invite-heading">
      <h3 id="invite-heading">Invite someone</h3>
      <p class="muted">
        Send this link to a person you trust (or let them scan the code). When they open it, you become contacts — even if
        you are offline at that moment. Anyone with the link can send you a contact request, so share it privately.
      </p>
      ${this.inviteLink
        ? html`<div class="invite">
            <div class="row">
              <label for="invite-link" class="visually-hidden">Your invite link</label>
              <input id="invite-link" data-testid="invite-link" readonly .value=${this.inviteLink} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
              ${'share' in navigator ? html`<button @click=${this.share}>Share link</button>` : nothing}
              <button class=${'share' in navigator ? 'secondary' : ''} @click=${this.copy}>Copy link</button>
              <button class="secondary" ?disabled=${this.busy} @click=${() => emit(this, 'create-invite', {})}>New link</button>
            </div>
            <p class="ok" role="status" aria-live="polite">${this.copyNote}</p>
            <md-qr-code .value=${this.inviteLink} label="QR code of your invite link"></md-qr-code>
          </div>`
        : html`<button ?disabled=${this.busy} @click=${() => emit(this, 'create-invite', {})}>Create invite link</button>`}
      ${this.inviteError ? html`<p class="error" role="alert">${this.inviteError}</p>` : nothing}
    </section>`;
  }

  private renderAdd() {
    return html`<section aria-labelledby="add-heading">
      <h3 id="add-heading">Add contact</h3>
      ${this.pendingInvite
        ? html`<p role="status" data-testid="pending-invite">You opened an invite link. Check it below and choose “Add contact” to accept it.</p>`
        : html`<p class="muted">Paste an invite link someone sent you, or scan its QR code.</p>`}
      <button class="secondary" aria-expanded=${String(this.scanning)} @click=${() => ((this.scanning = !this.scanning), (this.scanError = ''))}>
        ${this.scanning ? 'Stop scanning' : 'Scan QR code'}
      </button>
      ${this.scanning ? html`<md-qr-scanner @qr-scanned=${this.onScanned}></md-qr-scanner>` : nothing}
      ${this.scanError ? html`<p class="error" role="alert" data-testid="scan-error">${this.scanError}</p>` : nothing}
      <form class="row" @submit=${this.submitAdd}>
        <label for="add-link" class="visually-hidden">Invite link to accept</label>
        <input id="add-link" placeholder="https://…/#invite=…" autocomplete="off" aria-describedby="add-error" aria-invalid=${this.addError ? 'true' : 'false'} />
        <button type="submit" ?disabled=${this.busy}>Add contact</button>
      </form>
      <p id="add-error" class="error" role="alert" data-testid="add-error">${this.addError}</p>
      <p class="ok" role="status" data-testid="add-notice">${this.addNotice}</p>
    </section>`;
  }

  private renderContact(c: ContactView) {
    const groups = safetyGroups(c.safetyNumber);
    return html`<li data-testid="contact" data-pub=${c.pub}>
      <div class="row">
        <span class="name" data-testid="contact-name">${c.name}</span>
        ${c.verified ? html`<span class="verified-badge">✔ verified</span>` : nothing}
        <span style="flex:1"></span>
        <button class="secondary" @click=${() => emit<OpenChatDetail>(this, 'open-chat', { channelId: c.channelId })} aria-label="Message ${c.name}">Message</button>
      </div>
      <details>
        <summary>Safety number</summary>
        <p class="muted">Compare these digits with ${c.name} in person or over a call. If they match on both devices, nobody is in the middle.</p>
        <div class="safety" data-testid="safety-number" aria-label="Safety number ${groups.join(' ')}" role="group">
          ${groups.map((g) => html`<span>${g}</span>`)}
        </div>
      </details>
      <label class="check">
        <input
          type="checkbox"
          .checked=${c.verified}
          @change=${(e: Event) => emit<SetVerifiedDetail>(this, 'set-verified', { pub: c.pub, verified: (e.target as HTMLInputElement).checked })}
        />
        Safety number verified<span class="visually-hidden"> for ${c.name}</span>
      </label>
    </li>`;
  }

  override render() {
    return html`<h2 tabindex="-1">Contacts</h2>
      ${this.renderAdd()} ${this.renderInvite()}
      <section aria-labelledby="list-heading">
        <h3 id="list-heading">Your contacts</h3>
        ${this.contacts.length === 0
          ? html`<p class="muted" data-testid="no-contacts">No contacts yet. Share your invite link, or paste one you received above.</p>`
          : html`<ul data-testid="contact-list">
              ${repeat(
                [...this.contacts].sort((a, b) => a.name.localeCompare(b.name)),
                (c) => c.pub,
                (c) => this.renderContact(c),
              )}
            </ul>`}
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-contacts': MdContacts;
  }
}
