import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChannelSummary } from '../core/api.js';
import { emit } from './events.js';
import { formatBytes } from './format.js';
import { baseStyles } from './styles.js';

export interface ShareView {
  id: string;
  files: { name: string; type: string; size: number }[];
  text?: string;
}

export interface SendShareDetail {
  shareId: string;
  channelId: string;
}

export interface DiscardShareDetail {
  shareId: string;
}

/** "Send to which chat?" screen for something shared into Meshdrop from another app. */
@localized()
@customElement('md-share-picker')
export class MdSharePicker extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 40rem;
      }
      ul.files {
        padding-inline-start: 1.2rem;
      }
      fieldset {
        border: 1px solid var(--md-border);
        border-radius: 8px;
        margin: 1rem 0;
      }
      label.chat {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        min-height: 44px;
      }
      .row {
        display: flex;
        gap: 0.75rem;
        flex-wrap: wrap;
      }
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) share?: ShareView;
  @property({ attribute: false }) channels: ChannelSummary[] = [];
  @property() error = '';
  @property({ type: Boolean }) busy = false;
  @state() private chosen = '';

  private onSubmit(e: Event) {
    e.preventDefault();
    if (!this.share || !this.chosen) return;
    emit<SendShareDetail>(this, 'send-share', { shareId: this.share.id, channelId: this.chosen });
  }

  override render() {
    const share = this.share;
    if (!share) return html`<p role="status">${msg('This shared item is no longer available.')}</p>`;
    const open = this.channels.filter((c) => !c.closed);
    return html`<form @submit=${this.onSubmit} aria-labelledby="share-title">
      <h2 id="share-title" tabindex="-1">${share.files.length === 1 ? msg('Send shared file') : share.files.length > 1 ? msg('Send shared files') : msg('Send shared text')}</h2>
      ${share.files.length
        ? html`<ul class="files" data-testid="share-files">
            ${share.files.map((f) => html`<li>${f.name} <span class="muted">(${formatBytes(f.size)})</span></li>`)}
          </ul>`
        : nothing}
      ${share.text ? html`<p class="text muted" data-testid="share-text">${share.text}</p>` : nothing}
      ${open.length === 0
        ? html`<p role="status">${msg('You have no chats yet. Add a contact first; the shared item stays here until you send or discard it.')}</p>`
        : html`<fieldset>
            <legend>${msg('Choose a chat')}</legend>
            ${open.map(
              (c) => html`<label class="chat"
                ><input type="radio" name="chat" .value=${c.id} .checked=${this.chosen === c.id} @change=${() => (this.chosen = c.id)} />${c.title}</label
              >`,
            )}
          </fieldset>`}
      ${this.error ? html`<p class="error" role="alert" data-testid="share-error">${this.error}</p>` : nothing}
      <div class="row">
        <button type="submit" ?disabled=${this.busy || !this.chosen}>${msg('Send')}</button>
        <button type="button" class="secondary" ?disabled=${this.busy} @click=${() => emit<DiscardShareDetail>(this, 'discard-share', { shareId: share.id })}>
          ${msg('Discard')}
        </button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-share-picker': MdSharePicker;
  }
}
