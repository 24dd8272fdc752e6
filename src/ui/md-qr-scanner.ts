import { LitElement, css, html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import * as jsqrModule from 'jsqr';

type JsQr = typeof import('jsqr').default;
// jsQR is a UMD bundle: the app's build (CommonJS plugin) gives it as the default export; loaded as a plain ES
// module (the component tests' dev server) it only sets self.jsQR.
const jsQR = (): JsQr | undefined => (jsqrModule as unknown as { default?: JsQr }).default ?? (globalThis as { jsQR?: JsQr }).jsQR;
import { baseStyles } from './styles.js';

/** Sent (bubbling, composed) when a QR code was read; the scanner has stopped the camera by then. */
export class QrScannedEvent extends Event {
  static readonly type = 'qr-scanned';
  constructor(readonly text: string) {
    super(QrScannedEvent.type, { bubbles: true, composed: true });
  }
}

/** What the scanner tells the user when the camera cannot be used (one table). */
export const CAMERA_MESSAGES = {
  denied: 'Camera access was denied. Allow the camera for this site in the browser’s site settings, or paste the invite link instead.',
  'no-camera': 'No camera was found on this device. Paste the invite link instead.',
  unavailable: 'The camera cannot be used here (it needs a secure https page and a browser with camera support). Paste the invite link instead.',
  busy: 'The camera is in use by another app, or failed to start. Close other apps using it and try again.',
} as const;

/** Code of a camera problem, keying CAMERA_MESSAGES. */
export type CameraProblem = keyof typeof CAMERA_MESSAGES;

/** Maps a getUserMedia failure to a CAMERA_MESSAGES code. */
export function cameraProblem(err: unknown): CameraProblem {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'no-camera';
  if (name === 'TypeError') return 'unavailable';
  return 'busy';
}

interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}

/**
 * Reads a QR code with the camera: the browser's BarcodeDetector where it has one, otherwise jsQR on canvas frames
 * (Linux Chromium has no BarcodeDetector). The camera runs only while the element is connected and scanning.
 */
@customElement('md-qr-scanner')
export class MdQrScanner extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      video {
        width: min(100%, 24rem);
        border-radius: 8px;
        background: #000;
      }
    `,
  ];

  @state() private problem: CameraProblem | '' = '';
  @state() private running = false;
  @query('video') private video!: HTMLVideoElement;
  private stream: MediaStream | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private canvas: HTMLCanvasElement | undefined;
  private detector: BarcodeDetectorLike | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.updateComplete.then(() => this.start());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  /** Starts the camera (also on "Try again"). */
  async start(): Promise<void> {
    this.problem = '';
    if (!navigator.mediaDevices?.getUserMedia) {
      this.problem = 'unavailable';
      return;
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch (err) {
      this.problem = cameraProblem(err);
      return;
    }
    if (!this.isConnected) return this.stop();
    this.running = true;
    await this.updateComplete;
    this.video.srcObject = this.stream;
    await this.video.play().catch(() => undefined);
    const BD = (globalThis as { BarcodeDetector?: new (o: { formats: string[] }) => BarcodeDetectorLike }).BarcodeDetector;
    this.detector = BD ? new BD({ formats: ['qr_code'] }) : undefined;
    this.scan();
  }

  /** Stops the camera and the scan loop. */
  stop(): void {
    clearTimeout(this.timer);
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = undefined;
    this.running = false;
  }

  private async readFrame(): Promise<string | undefined> {
    const v = this.video;
    if (!v || v.readyState < 2 || !v.videoWidth) return undefined;
    if (this.detector) return (await this.detector.detect(v))[0]?.rawValue;
    // Scale large frames down: QR codes shown on a screen stay readable, and jsQR's cost grows with pixels.
    const scale = Math.min(1, 800 / Math.max(v.videoWidth, v.videoHeight));
    const w = Math.round(v.videoWidth * scale);
    const h = Math.round(v.videoHeight * scale);
    const canvas = (this.canvas ??= document.createElement('canvas'));
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return undefined;
    ctx.drawImage(v, 0, 0, w, h);
    return jsQR()?.(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'attemptBoth' })?.data;
  }

  private scan(): void {
    if (!this.stream) return;
    void this.readFrame()
      .catch(() => undefined)
      .then((text) => {
        if (!this.stream) return;
        if (text) {
          this.stop();
          this.dispatchEvent(new QrScannedEvent(text));
        } else this.timer = setTimeout(() => this.scan(), 150);
      });
  }

  override render() {
    if (this.problem) {
      return html`<p class="error" role="alert" data-testid="camera-error" data-problem=${this.problem}>${CAMERA_MESSAGES[this.problem]}</p>
        <button class="secondary" @click=${() => void this.start()}>Try again</button>`;
    }
    return html`<video muted playsinline aria-label="Camera view: hold the QR code in front of the camera" ?hidden=${!this.running}></video>
      <p role="status" class="muted" data-testid="scanner-state">${this.running ? 'Looking for a QR code…' : 'Starting the camera…'}</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-qr-scanner': MdQrScanner;
  }
  interface HTMLElementEventMap {
    'qr-scanned': QrScannedEvent;
  }
}
