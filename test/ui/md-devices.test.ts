import { expect } from '@esm-bundle/chai';
import { MdDevices } from '../../src/ui/md-devices.js';
import { MdDeviceJoin } from '../../src/ui/md-device-join.js';
import type { DeviceLinkRequestView, DevicesApi, DeviceView } from '../../src/core/devices-api.js';
import type { IdentityRecord } from '../../src/store/schema.js';
import { XSS, mount, until } from './fake-api.js';

/** A stand-in for the controller's devices part: records calls, keeps a list. */
class FakeDevices extends EventTarget implements DevicesApi {
  identity: IdentityRecord | undefined = undefined;
  calls: string[] = [];
  list: DeviceView[] = [
    { id: 'a'.repeat(16), name: 'Desk', linkedAt: 1, current: true },
    { id: 'b'.repeat(16), name: XSS, linkedAt: 2, current: false },
  ];
  async listDevices() {
    return this.list;
  }
  pending: DeviceLinkRequestView[] = [];
  async pendingDeviceLinkRequests() {
    return this.pending;
  }
  async renameDevice(name: string) {
    this.calls.push(`rename ${name}`);
    if (!name.trim()) throw new Error('Please enter a display name.');
  }
  async unlinkDevice(id: string) {
    this.calls.push(`unlink ${id}`);
    this.list = this.list.filter((d) => d.id !== id);
    this.dispatchEvent(new Event('devices'));
  }
  async createDeviceLink() {
    this.calls.push('link');
    return { link: 'http://127.0.0.1:1/#link=eyJ2IjoxfQ', expiresAt: Date.now() + 600_000 };
  }
  async confirmDeviceLink(id: string) {
    this.calls.push(`confirm ${id}`);
  }
  async rejectDeviceLink(id: string) {
    this.calls.push(`reject ${id}`);
  }
  async linkToAccount(link: string, name: string, onCode: (code: string) => void): Promise<IdentityRecord> {
    this.calls.push(`join ${name}`);
    onCode('123 456');
    if (!link.includes('#link=')) throw new Error('This is not a Meshdrop device link.');
    return new Promise(() => undefined); // waits for the other device
  }
}

const q = <T extends Element>(el: HTMLElement, sel: string) => el.shadowRoot!.querySelector<T>(sel);

describe('md-devices', () => {
  afterEach(() => document.body.replaceChildren());

  it('lists devices as text (names are never HTML), marks this device, and unlinks after confirming', async () => {
    const api = new FakeDevices();
    const el = await mount(Object.assign(new MdDevices(), { api }));
    await until(() => el.shadowRoot!.querySelectorAll('[data-testid="device"]').length === 2, 'device list');
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(el.shadowRoot!.textContent).to.contain(XSS);
    expect(q(el, '[data-current="true"]')!.textContent).to.contain('Desk').and.contain('this device');
    [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === `Unlink ${XSS}`)!.click();
    await el.updateComplete;
    expect(api.calls).to.deep.equal([]); // asks first
    q<HTMLElement>(el, '[role="group"]')!.querySelector<HTMLButtonElement>('button')!.click();
    await until(() => el.shadowRoot!.querySelectorAll('[data-testid="device"]').length === 1, 'list after unlink');
    expect(api.calls).to.deep.equal([`unlink ${'b'.repeat(16)}`]);
  });

  it('shows the link with its QR code, then the request with name and code to confirm', async () => {
    const api = new FakeDevices();
    const el = await mount(Object.assign(new MdDevices(), { api }));
    [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Link a new device')!.click();
    await until(() => !!q(el, '[data-testid="device-link"]'), 'link shown');
    expect(q<HTMLInputElement>(el, '[data-testid="device-link"]')!.value).to.contain('#link=');
    expect(q(el, 'md-qr-code')).to.not.equal(null);
    const req: DeviceLinkRequestView = { id: 'r1', name: 'Laptop', code: '123 456' };
    api.dispatchEvent(new CustomEvent('device-link-request', { detail: req }));
    await until(() => !!q(el, '[data-testid="link-request"]'), 'request shown');
    expect(q(el, '[data-testid="request-code"]')!.textContent).to.equal('123 456');
    [...q<HTMLElement>(el, '[data-testid="link-request"]')!.querySelectorAll('button')].find((b) => b.textContent === 'Refuse')!.click();
    await until(() => api.calls.includes('reject r1'), 'refused');
    await until(() => q(el, '[data-testid="devices-notice"]')!.textContent!.includes('refused'), 'notice');
  });

  it('an expired link leaves the screen with a notice', async () => {
    const api = new FakeDevices();
    api.createDeviceLink = async () => ({ link: 'http://127.0.0.1:1/#link=eyJ2IjoxfQ', expiresAt: Date.now() + 50 });
    const el = await mount(Object.assign(new MdDevices(), { api }));
    [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Link a new device')!.click();
    // (Whether the link was on screen in between depends on timing; the end state does not.)
    await until(() => q(el, '[data-testid="devices-notice"]')!.textContent!.includes('expired'), 'expiry notice');
    expect(q(el, '[data-testid="device-link"]')).to.equal(null);
  });

  it('a request that arrived while the screen was closed is shown when it opens', async () => {
    const api = new FakeDevices();
    api.pending = [{ id: 'r9', name: 'Tablet', code: '654 321' }];
    const el = await mount(Object.assign(new MdDevices(), { api }));
    await until(() => q(el, '[data-testid="request-code"]')?.textContent === '654 321', 'pending request');
  });

  it('rename errors are shown in an alert', async () => {
    const api = new FakeDevices();
    const el = await mount(Object.assign(new MdDevices(), { api }));
    await until(() => !!q(el, '[data-current="true"]'), 'list');
    const input = q<HTMLInputElement>(el, 'input[name="device-name"]')!;
    input.value = '  ';
    q<HTMLFormElement>(el, 'form')!.requestSubmit();
    await until(() => q(el, '[data-testid="devices-error"]')!.textContent!.includes('enter'), 'error');
  });
});

describe('md-device-join', () => {
  afterEach(() => document.body.replaceChildren());

  it('shows the code to compare while waiting, and a clear error for a bad link', async () => {
    const api = new FakeDevices();
    const el = await mount(Object.assign(new MdDeviceJoin(), { api }));
    q<HTMLInputElement>(el, '#link')!.value = 'http://127.0.0.1:1/#link=abc';
    q<HTMLInputElement>(el, '#device-name')!.value = 'Laptop';
    q<HTMLFormElement>(el, 'form')!.requestSubmit();
    await until(() => q(el, '[data-testid="join-code"]')?.textContent?.includes('123 456') ?? false, 'code');
    q<HTMLInputElement>(el, '#link')!.value = 'nonsense';
    q<HTMLFormElement>(el, 'form')!.requestSubmit();
    await until(() => q(el, '[data-testid="join-error"]')!.textContent!.includes('not a Meshdrop device link'), 'error');
    expect(q(el, '[data-testid="join-code"]')).to.equal(null);
  });
});
