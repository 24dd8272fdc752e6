import { localized, msg } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { baseStyles } from './styles.js';
import { emit, type AttachFilesDetail } from './events.js';

/**
 * Attach control for the composer: a file picker button, plus drag-and-drop anywhere on the page and
 * pasting files (e.g. a screenshot) while a chat is open. Emits `attach-files` with the chosen files;
 * the controller checks the size limit and the shell shows its message.
 */
@localized()
@customElement('md-file-drop')
export class MdFileDrop extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: contents;
      }
      button {
        min-width: 44px;
        padding: 0.55em 0.7em;
      }
      .overlay {
        position: fixed;
        inset: 0;
        display: grid;
        place-items: center;
        background: color-mix(in srgb, var(--md-bg) 80%, transparent);
        border: 4px dashed var(--md-accent);
        font-size: 1.3rem;
        z-index: 10;
        pointer-events: none;
      }
    `,
  ];

  @property({ type: Boolean }) disabled = false;
  /** Shown in the picker's accessible description, e.g. "up to 25 MB per file". */
  @property() limitText = '';
  @state() private dragging = false;
  private dragDepth = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('dragenter', this.onDragEnter);
    window.addEventListener('dragover', this.onDragOver);
    window.addEventListener('dragleave', this.onDragLeave);
    window.addEventListener('drop', this.onDrop);
    document.addEventListener('paste', this.onPaste);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('dragenter', this.onDragEnter);
    window.removeEventListener('dragover', this.onDragOver);
    window.removeEventListener('dragleave', this.onDragLeave);
    window.removeEventListener('drop', this.onDrop);
    document.removeEventListener('paste', this.onPaste);
  }

  private send(files: File[]): void {
    if (this.disabled || files.length === 0) return;
    emit<AttachFilesDetail>(this, 'attach-files', { files });
  }

  private readonly hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');

  private readonly onDragEnter = (e: DragEvent) => {
    if (!this.hasFiles(e) || this.disabled) return;
    this.dragDepth++;
    this.dragging = true;
  };

  private readonly onDragOver = (e: DragEvent) => {
    if (!this.hasFiles(e) || this.disabled) return;
    e.preventDefault(); // allow dropping
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };

  private readonly onDragLeave = () => {
    this.dragDepth = Math.max(0, this.dragDepth - 1);
    if (this.dragDepth === 0) this.dragging = false;
  };

  private readonly onDrop = (e: DragEvent) => {
    this.dragDepth = 0;
    this.dragging = false;
    if (!this.hasFiles(e) || this.disabled) return;
    e.preventDefault();
    this.send([...(e.dataTransfer?.files ?? [])]);
  };

  private readonly onPaste = (e: ClipboardEvent) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (files.length === 0 || this.disabled) return; // plain text paste goes to the message box as usual
    e.preventDefault();
    this.send(files);
  };

  private onPicked(e: Event) {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = ''; // the same file can be picked again
    this.send(files);
  }

  override render() {
    return html`<input
        id="picker"
        type="file"
        multiple
        hidden
        aria-label=${msg('Attach files')}
        data-testid="file-input"
        @change=${this.onPicked}
      /><button
        type="button"
        class="secondary"
        title="${msg('Attach files')}${this.limitText ? ` (${this.limitText})` : ''}"
        aria-label=${msg('Attach files')}
        ?disabled=${this.disabled}
        @click=${() => (this.renderRoot.querySelector('#picker') as HTMLInputElement | null)?.click()}
      >
        <span aria-hidden="true">📎</span></button
      >${this.dragging ? html`<div class="overlay" role="status">${msg('Drop files to send them to this chat')}</div>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-file-drop': MdFileDrop;
  }
}
