import { localized, msg } from '@lit/localize';
import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import qrcode from 'qrcode-generator';

/** UTF-8 bytes as a "binary string": qrcode-generator's default encoder takes the low byte of each char. */
function utf8Binary(text: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(text)) out += String.fromCharCode(b);
  return out;
}

/** Dark modules of a QR code as one SVG path (1 unit per module), or undefined if the text is too long. */
export function qrPath(text: string): { size: number; d: string } | undefined {
  try {
    const qr = qrcode(0, 'L');
    qr.addData(utf8Binary(text), 'Byte');
    qr.make();
    const n = qr.getModuleCount();
    let d = '';
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c} ${r}h1v1h-1z`;
    return { size: n, d };
  } catch {
    return undefined;
  }
}

/** Renders a QR code locally as SVG (no network, no HTML strings). Error correction L keeps the long invite link's code as coarse as possible: black on white so scanners read it in dark mode too. */
@localized()
@customElement('md-qr-code')
export class MdQrCode extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      background: #fff;
      padding: 12px;
      border-radius: 8px;
      line-height: 0;
    }
    svg {
      width: var(--md-qr-size, 220px);
      height: var(--md-qr-size, 220px);
    }
  `;

  @property() value = '';
  /** Accessible name of the image ('' means the localised "QR code"). */
  @property() label = '';

  override render() {
    const qr = this.value ? qrPath(this.value) : undefined;
    if (!qr) return html`<span style="line-height:1.4;color:#000">${msg('QR code unavailable')}</span>`;
    const m = 2; // quiet zone in modules (plus the host padding)
    return html`<svg role="img" aria-label=${this.label || msg('QR code')} viewBox="${-m} ${-m} ${qr.size + 2 * m} ${qr.size + 2 * m}" shape-rendering="crispEdges" data-testid="qr-svg"
      >${svg`<rect x=${-m} y=${-m} width=${qr.size + 2 * m} height=${qr.size + 2 * m} fill="#fff"></rect><path d=${qr.d} fill="#000"></path>`}</svg
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-qr-code': MdQrCode;
  }
}
