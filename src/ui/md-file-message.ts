import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FileStatus } from '../store/schema.js';
import { formatBytes, formatPercent } from './format.js';
import { fileErrorText } from './core-text.js';
import { baseStyles } from './styles.js';

/** What a file bubble shows about a transfer (from the controller's FileRecord and progress events). */
export interface FileView {
  status: FileStatus;
  doneBytes: number;
  size: number;
  error: string;
  /** Present only once the file is verified (receiver) or for the sender's own copy. */
  blob?: Blob;
}

export interface FileInfo {
  fileId: string;
  name: string;
  size: number;
  type: string;
}

/** Raster images are safe to show as <img>; SVG is left out because it can carry script. */
const PREVIEW_TYPES = /^image\/(png|jpeg|gif|webp|avif|bmp)$/;
/**
 * Types safe to open in a tab from a same-origin blob: URL. Anything else (HTML, SVG, XML, unknown) is
 * only offered as a download, since a blob URL runs with this app's origin and could read its storage.
 */
const OPEN_TYPES = /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/[\w.+-]+|video\/[\w.+-]+|text\/plain)$/;

/** What a transfer state reads as, in the active language (a function: the language can change at run time). */
const statusText = (status: FileStatus, mine: boolean): string => {
  switch (status) {
    case 'queued':
      return mine ? msg('Waiting for a connection to send') : msg('Waiting');
    case 'uploading':
      return msg('Sending');
    case 'sent':
      return msg('Sent');
    case 'downloading':
      return msg('Receiving');
    case 'complete':
      return msg('Received and verified');
    case 'failed':
      return msg('Failed');
  }
};

/** The body of a file message: name, size, progress (bytes and percent), preview, open/save, failure reason. */
@localized()
@customElement('md-file-message')
export class MdFileMessage extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        min-width: 12rem;
        max-width: 22rem;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .bar {
        height: 8px;
        border-radius: 4px;
        background: var(--md-border);
        overflow: hidden;
        margin: 0.35rem 0 0.2rem;
      }
      .bar > div {
        height: 100%;
        background: var(--md-accent);
        transition: width 0.2s;
      }
      img {
        display: block;
        max-width: 100%;
        max-height: 240px;
        border-radius: 6px;
        margin: 0.4rem 0;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
        margin-top: 0.4rem;
      }
      .actions a {
        display: inline-flex;
        align-items: center;
        min-height: 44px;
        padding: 0 0.9em;
        border-radius: 8px;
        border: 1px solid var(--md-accent);
        color: var(--md-accent);
        text-decoration: none;
      }
      .small {
        font-size: 0.85em;
      }
    `,
  ];

  @property({ attribute: false }) file?: FileInfo;
  @property({ attribute: false }) state?: FileView;
  @property({ type: Boolean }) mine = false;

  private url = '';
  private urlBlob: Blob | undefined;

  override willUpdate(): void {
    const blob = this.state?.blob;
    if (blob === this.urlBlob) return;
    if (this.url) URL.revokeObjectURL(this.url);
    this.urlBlob = blob;
    this.url = '';
    if (blob && this.file) {
      // Unsafe types are re-typed as opaque bytes so the browser can only download them.
      const safe = OPEN_TYPES.test(this.file.type) ? blob : new Blob([blob], { type: 'application/octet-stream' });
      this.url = URL.createObjectURL(safe);
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the DOM (e.g. a list re-order): the URL was revoked on disconnect, so make a new one.
    if (!this.url && this.state?.blob) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = '';
    this.urlBlob = undefined;
  }

  private renderProgress(f: FileInfo, s: FileView) {
    const pct = s.size > 0 ? Math.floor((s.doneBytes / s.size) * 100) : 100;
    const label = this.mine ? msg(str`Sending ${f.name}`) : msg(str`Receiving ${f.name}`);
    const text = msg(str`${formatBytes(s.doneBytes)} of ${formatBytes(s.size)} (${formatPercent(pct)})`);
    return html`<div
        class="bar"
        role="progressbar"
        aria-label=${label}
        aria-valuemin="0"
        aria-valuemax=${s.size}
        aria-valuenow=${s.doneBytes}
        aria-valuetext=${text}
        data-testid="file-progress"
      >
        <div style="width:${pct}%"></div>
      </div>
      <span class="small muted" data-testid="file-progress-text">${text}</span>`;
  }

  override render() {
    const f = this.file;
    if (!f) return nothing;
    const s = this.state;
    const status = s?.status;
    const active = status === 'queued' || status === 'uploading' || status === 'downloading';
    const ready = !!s?.blob && (status === 'complete' || (this.mine && status !== 'failed'));
    const shownStatus = status ? statusText(status, this.mine) : this.mine ? msg('Preparing') : msg('Waiting');
    return html`<div data-testid="file-message" data-file-id=${f.fileId} data-status=${status ?? 'unknown'}>
      <div><span aria-hidden="true">📎 </span><span class="name" data-testid="file-name">${f.name}</span> <span class="muted small">(${formatBytes(f.size)})</span></div>
      ${ready && this.url && PREVIEW_TYPES.test(f.type) ? html`<img src=${this.url} alt=${msg(str`Preview of ${f.name}`)} data-testid="file-preview" />` : nothing}
      ${active && s ? this.renderProgress(f, s) : nothing}
      ${status === 'failed'
        ? html`<p class="error small" role="alert" data-testid="file-error">${msg(str`Failed: ${s?.error ? fileErrorText(s.error) : msg('the file could not be verified.')}`)}</p>`
        : html`<span class="small muted" data-testid="file-status">${shownStatus}</span>`}
      ${ready && this.url
        ? html`<div class="actions">
            ${OPEN_TYPES.test(f.type) ? html`<a href=${this.url} target="_blank" rel="noopener noreferrer" data-testid="file-open">${msg('Open')}</a>` : nothing}
            <a href=${this.url} download=${f.name} data-testid="file-save">${msg('Save')}</a>
          </div>`
        : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-file-message': MdFileMessage;
  }
}
