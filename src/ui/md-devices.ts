import { localized, msg, str } from '@lit/localize';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { baseStyles } from './styles.js';
import { formatDate, formatTime, messageOf } from './format.js';
import { ListenController } from './listen.js';
import type { DeviceLinkRequestView, DevicesApi, DeviceView } from '../core/devices-api.js';
import './md-qr-code.js';


/**
 * Linked devices: the list (every device of the account, with names), "Link a new device" (QR code + link,
 * then a confirmation with the new device's name and code), rename this device, unlink. Data comes from the
 * controller through the `api` property; the list reloads on its 'devices' event.
 */
@localized()
@customElement('md-devices')
export class MdDevices extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0 0 1rem;
        display: grid;
        gap: 0.5rem;
      }
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
        justify-content: space-between;
        border: 1px solid var(--md-border);
        border-radius: 8px;
        padding: 0.5rem 0.75rem;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
      }
      .link {
        display: grid;
        gap: 0.5rem;
        max-width: 28rem;
      }
      .request {
        border: 2px solid var(--md-accent);
        border-radius: 8px;
        padding: 0.75rem;
        margin: 0.75rem 0;
      }
      .code {
        font-size: 1.6em;
        font-variant-numeric: tabular-nums;
        letter-spacing: 0.08em;
      }
      .row {
        display: flex;
        gap: 0.5rem;
        flex-wrap: wrap;
      }
    `,
  ];

  @property({ attribute: false }) api?: DevicesApi;
  @state() private link = '';
  @state() private expiresAt = 0;
  @state() private request: DeviceLinkRequestView | undefined;
  @state() private confirming = '';
  @state() private error = '';
  @state() private notice = '';
  @state() private busy = false;

  private readonly devices = new Task(this, {
    // A controller without the devices feature (the UI tests' stand-in) simply has no devices to list.
    task: async ([api]) => (typeof api?.listDevices === 'function' ? api.listDevices() : []),
    args: () => [this.api] as const,
  });

  private readonly onDevices = () => void this.devices.run();
  private readonly onRequest = (e: Event) => {
    this.request = (e as CustomEvent<DeviceLinkRequestView>).detail;
  };
  private expiry: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    new ListenController(this, () => this.api, { devices: this.onDevices, 'device-link-request': this.onRequest }, (api) => {
      // A request that arrived while another screen was open still waits for an answer here.
      void api.pendingDeviceLinkRequests?.().then((list) => (this.request ??= list[list.length - 1]));
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.expiry);
  }

  private async run(what: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    this.notice = '';
    try {
      await what();
    } catch (err) {
      this.error = messageOf(err);
    } finally {
      this.busy = false;
    }
  }

  private createLink() {
    const api = this.api;
    if (!api) return;
    void this.run(async () => {
      const { link, expiresAt } = await api.createDeviceLink();
      this.link = link;
      this.expiresAt = expiresAt;
      this.request = undefined;
      // An expired link is useless (device 1 no longer listens): take it off the screen and say so.
      clearTimeout(this.expiry);
      this.expiry = setTimeout(() => {
        if (this.link !== link) return;
        this.link = '';
        this.request = undefined;
        this.notice = msg('The device link expired. Make a new one when the new device is ready.');
      }, Math.max(0, expiresAt - Date.now()));
    });
  }

  private copyLink() {
    void navigator.clipboard?.writeText(this.link).then(
      () => (this.notice = msg('Link copied.')),
      () => (this.notice = msg('Select the link and copy it.')),
    );
  }

  private answer(accept: boolean) {
    const api = this.api;
    const req = this.request;
    if (!api || !req) return;
    void this.run(async () => {
      if (accept) await api.confirmDeviceLink(req.id);
      else await api.rejectDeviceLink(req.id);
      this.request = undefined;
      this.link = '';
      this.notice = accept ? msg(str`“${req.name}” is linked. It now has your keys, contacts and chats.`) : msg(str`The request from “${req.name}” was refused.`);
    });
  }

  private rename(e: Event) {
    e.preventDefault();
    const api = this.api;
    const input = (e.target as HTMLFormElement).elements.namedItem('device-name') as HTMLInputElement;
    if (!api) return;
    void this.run(async () => {
      await api.renameDevice(input.value);
      this.notice = msg('This device was renamed.');
    });
  }

  private unlink(d: DeviceView) {
    const api = this.api;
    if (!api) return;
    void this.run(async () => {
      this.confirming = '';
      await api.unlinkDevice(d.id);
      this.notice = msg(str`“${d.name}” was unlinked.`);
    });
  }

  private renderDevice(d: DeviceView) {
    const since = formatDate(d.linkedAt);
    return html`<li data-testid="device" data-current=${String(d.current)}>
      <span><strong data-testid="device-name">${d.name}</strong>${d.current ? html` <span class="muted">${msg('(this device)')}</span>` : nothing}<br /><span class="muted">${msg(str`Linked ${since}`)}</span></span>
      ${this.confirming === d.id
        ? html`<span class="row" role="group" aria-label=${msg(str`Confirm unlinking ${d.name}`)}>
            <span>${d.current ? msg('Remove the account from this device?') : msg(str`Unlink “${d.name}”?`)}</span>
            <button class="secondary" @click=${() => this.unlink(d)} ?disabled=${this.busy}>${msg('Yes, unlink')}</button>
            <button class="secondary" @click=${() => (this.confirming = '')}>${msg('Cancel')}</button>
          </span>`
        : html`<button class="secondary" aria-label=${msg(str`Unlink ${d.name}`)} @click=${() => (this.confirming = d.id)}>${msg('Unlink')}</button>`}
    </li>`;
  }

  private renderRequest(req: DeviceLinkRequestView) {
    return html`<section class="request" role="alertdialog" aria-labelledby="req-title" aria-describedby="req-code" data-testid="link-request">
      <h3 id="req-title">${msg(html`“<span data-testid="request-name">${req.name}</span>” wants to link to your account`)}</h3>
      <p id="req-code">${msg('Does the new device show this code?')} <span class="code" data-testid="request-code">${req.code}</span></p>
      <p class="muted">${msg('Only confirm if the codes match: the new device receives your keys, contacts and chats.')}</p>
      <div class="row">
        <button @click=${() => this.answer(true)} ?disabled=${this.busy}>${msg('Codes match, link it')}</button>
        <button class="secondary" @click=${() => this.answer(false)} ?disabled=${this.busy}>${msg('Refuse')}</button>
      </div>
    </section>`;
  }

  override render() {
    const current = this.devices.value?.find((d) => d.current);
    return html`<section aria-labelledby="devices-title">
      <h2 id="devices-title">${msg('Linked devices')}</h2>
      ${this.devices.render({
        pending: () => html`<p role="status">${msg('Loading devices…')}</p>`,
        complete: (list) => html`<ul aria-label=${msg('Devices of this account')}>${list.map((d) => this.renderDevice(d))}</ul>`,
        error: (err) => html`<p class="error" role="alert">${msg(str`Could not load the devices: ${messageOf(err)}`)}</p>`,
      })}
      <form @submit=${this.rename} aria-label=${msg('Rename this device')}>
        <label>${msg('Name of this device')} <input name="device-name" maxlength="40" .value=${current?.name ?? ''} /></label>
        <button type="submit" class="secondary" ?disabled=${this.busy}>${msg('Rename')}</button>
      </form>
      <h3>${msg('Link a new device')}</h3>
      <p class="muted">
        ${msg('On the new device open Meshdrop, choose “Link to an existing account” and scan this code or paste the link. All linked devices share one key pair: see “What unlinking can do” below.')}
      </p>
      ${this.request ? this.renderRequest(this.request) : nothing}
      ${this.link
        ? html`<div class="link">
            <md-qr-code .value=${this.link} label=${msg('QR code of the device link')}></md-qr-code>
            <label for="device-link" class="visually-hidden">${msg('Device link')}</label>
            <input id="device-link" data-testid="device-link" readonly .value=${this.link} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
            <div class="row">
              <button class="secondary" @click=${this.copyLink}>${msg('Copy link')}</button>
              <button class="secondary" @click=${this.createLink} ?disabled=${this.busy}>${msg('New link')}</button>
            </div>
            <p class="muted">${msg(str`Valid until ${formatTime(this.expiresAt)}. Keep Meshdrop open on this device until the new device asks to link.`)}</p>
          </div>`
        : html`<button @click=${this.createLink} ?disabled=${this.busy || !this.api}>${msg('Link a new device')}</button>`}
      <p class="error" role="alert" data-testid="devices-error">${this.error}</p>
      <p role="status" data-testid="devices-notice">${this.notice}</p>
      <details>
        <summary>${msg('What unlinking can do')}</summary>
        <p>
          ${msg('All your devices share one key pair. Unlinking removes a device from this list and asks it to delete the account; a device that is online and honest does so at once. A lost or stolen device that keeps its copy of the keys can still read what your contacts send you and act as you. If that is a risk, create a new identity and invite your contacts again.')}
        </p>
      </details>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'md-devices': MdDevices;
  }
}
