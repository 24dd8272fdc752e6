import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { baseStyles } from './styles.js';
import { emit } from './events.js';

export interface SaveRelaysDetail {
  relays: string[];
}

/** Edits the list of relays; emits 'save-relays'. Validation errors come back through `error`. */
@localized()
@customElement('md-relay-settings')
export class MdRelaySettings extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        padding: 0;
        display: grid;
        gap: 0.4em;
      }
      li {
        display: flex;
        gap: 0.5em;
        align-items: center;
      }
      li span {
        flex: 1;
        word-break: break-all;
      }
      form {
        display: flex;
        gap: 0.5em;
        flex-wrap: wrap;
      }
      input {
        flex: 1;
        min-width: 14rem;
      }
    `,
  ];

  /** The relays in use now. */
  @property({ attribute: false }) relays: readonly string[] = [];
  @property() error = '';
  @state() private draft: string[] | undefined;
  @query('#relay-input') private input!: HTMLInputElement;

  private get list(): string[] {
    return this.draft ?? [...this.relays];
  }

  private add(e: Event) {
    e.preventDefault();
    const value = this.input.value.trim();
    if (!value) return;
    this.draft = [...this.list, value];
    this.input.value = '';
  }

  private removeRelay(url: string) {
    this.draft = this.list.filter((r) => r !== url);
  }

  override render() {
    const list = this.list;
    const dirty = this.draft !== undefined;
    return html`<h2 id="relays-title">${msg('Relays')}</h2>
      <p class="muted">${msg('Meshdrop keeps a connection to every relay in this list, so if one goes down the others carry on.')}</p>
      <ul aria-labelledby="relays-title">
        ${list.map(
          (url) => html`<li>
            <span>${url}</span>
            <button class="secondary" aria-label=${msg(str`Remove relay ${url}`)} @click=${() => this.removeRelay(url)}>${msg('Remove')}</button>
          </li>`,
        )}
      </ul>
      <form @submit=${this.add}>
        <label class="visually-hidden" for="relay-input">${msg('Relay address')}</label>
        <input id="relay-input" placeholder="https://relay.example.org" autocomplete="off" />
        <button type="submit" class="secondary">${msg('Add relay')}</button>
      </form>
      <p>
        <button ?disabled=${!dirty} @click=${() => emit<SaveRelaysDetail>(this, 'save-relays', { relays: list })}>${msg('Save and reconnect')}</button>
      </p>
      <p class="error" role="alert" data-testid="relay-error">${this.error}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-relay-settings': MdRelaySettings;
  }
}
