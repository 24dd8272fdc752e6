import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ContactView } from '../core/api.js';
import { baseStyles } from './styles.js';
import { emit, type CreateGroupDetail } from './events.js';

export const GROUP_TITLE_MAX = 80;

/** Create a group: a name and the contacts to invite (checkboxes). Emits 'create-group' or 'cancel'. */
@localized()
@customElement('md-group-create')
export class MdGroupCreate extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 1rem;
        max-width: 36rem;
      }
      h2 {
        margin: 0 0 0.75rem;
        font-size: 1.2rem;
      }
      h2:focus {
        outline: none;
      }
      form {
        display: grid;
        gap: 0.75rem;
      }
      fieldset {
        border: 1px solid var(--md-border);
        border-radius: 8px;
        padding: 0.5rem 0.75rem;
        margin: 0;
      }
      label.check {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        min-height: 44px;
        overflow-wrap: anywhere;
      }
      input[type='checkbox'] {
        min-height: auto;
        width: 1.2rem;
        height: 1.2rem;
        flex: none;
      }
      .buttons {
        display: flex;
        gap: 0.5rem;
      }
    `,
  ];

  @property({ attribute: false }) contacts: ContactView[] = [];
  @property() error = '';
  @property({ type: Boolean }) busy = false;
  @state() private localError = '';
  @query('#title') private titleInput?: HTMLInputElement;

  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  private submit(e: Event) {
    e.preventDefault();
    const title = this.titleInput?.value.trim() ?? '';
    const members = [...this.renderRoot.querySelectorAll<HTMLInputElement>('input[name="member"]:checked')].map((i) => i.value);
    if (!title) this.localError = msg('Give the group a name.');
    else if (title.length > GROUP_TITLE_MAX) this.localError = msg(str`The name is too long (at most ${GROUP_TITLE_MAX} characters).`);
    else if (members.length === 0) this.localError = msg('Pick at least one contact to invite.');
    else {
      this.localError = '';
      emit<CreateGroupDetail>(this, 'create-group', { title, members });
    }
  }

  override render() {
    const error = this.localError || this.error;
    const sorted = [...this.contacts].sort((a, b) => a.name.localeCompare(b.name));
    return html`<h2 tabindex="-1">${msg('New group')}</h2>
      <form @submit=${this.submit} novalidate>
        <label for="title">${msg('Group name')}</label>
        <input id="title" maxlength=${GROUP_TITLE_MAX} autocomplete="off" required />
        <fieldset>
          <legend>${msg('Members')}</legend>
          ${sorted.length === 0
            ? html`<p class="muted">${msg('You have no contacts yet. Add contacts first, then create a group with them.')}</p>`
            : sorted.map(
                (c) => html`<label class="check"><input type="checkbox" name="member" value=${c.pub} data-testid="member-choice" />${c.name}</label>`,
              )}
        </fieldset>
        <p class="error" role="alert" data-testid="group-error">${error || nothing}</p>
        <div class="buttons">
          <button type="submit" ?disabled=${this.busy || sorted.length === 0}>${msg('Create group')}</button>
          <button type="button" class="secondary" @click=${() => emit(this, 'cancel', {})}>${msg('Cancel')}</button>
        </div>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-group-create': MdGroupCreate;
  }
}
