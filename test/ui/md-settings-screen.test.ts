import { expect } from '@esm-bundle/chai';
import type { DeviceApi, NotifyPermission, PersistState } from '../../src/core/device.js';
import { DEFAULT_PREFERENCES, type Preferences } from '../../src/core/preferences.js';
import { MdApp } from '../../src/ui/md-app.js';
import { FakeApi, until } from './fake-api.js';

/** The fake controller plus the settings methods of the real one. */
class SettingsApi extends FakeApi {
  preferences: Preferences = { ...DEFAULT_PREFERENCES };
  async setPreferences(patch: Partial<Preferences>) {
    this.calls.push({ method: 'setPreferences', args: [patch] });
    this.preferences = { ...this.preferences, ...patch };
    this.dispatchEvent(new Event('change'));
  }
  async setMaxFileBytes(bytes: number) {
    this.calls.push({ method: 'setMaxFileBytes', args: [bytes] });
    (this as { maxFileBytes: number }).maxFileBytes = bytes;
  }
}

class FakeDevice implements DeviceApi {
  permission: NotifyPermission = 'default';
  answer: NotifyPermission = 'granted';
  persist: PersistState = 'refused';
  requests = 0;
  notificationPermission() {
    return this.permission;
  }
  async requestNotifications() {
    this.requests++;
    this.permission = this.answer;
    return this.answer;
  }
  persistCalls = 0;
  async persistStorage() {
    this.persistCalls++;
    return this.persist;
  }
  async storagePersisted() {
    return this.persist;
  }
  async storageUse() {
    return { usage: 2 * 1024 * 1024, quota: 100 * 1024 * 1024 };
  }
  async setBadge() {}
  async showNotification() {}
}

describe('settings screen and the shell around it', () => {
  afterEach(() => {
    document.body.replaceChildren();
    history.replaceState(null, '', location.pathname + location.search);
    delete document.documentElement.dataset.theme;
  });

  async function open(api: SettingsApi, device: FakeDevice, hash = '#/settings') {
    history.replaceState(null, '', hash);
    const el = new MdApp();
    el.device = device;
    el.app = api;
    document.body.append(el);
    await el.updateComplete;
    return el;
  }

  const settingsRoot = (el: MdApp) => el.shadowRoot!.querySelector('md-settings-screen')?.shadowRoot ?? null;

  it('turns notifications on from a button, switches theme and hidden previews, sets the file limit', async () => {
    const api = new SettingsApi();
    const device = new FakeDevice();
    const el = await open(api, device);
    await until(() => !!settingsRoot(el)?.querySelector('[data-testid="enable-notifications"]'), 'enable button');
    const root = settingsRoot(el)!;
    expect(root.querySelector('[data-slot="push-settings"]'), 'place for md-push-settings').to.not.equal(null);
    expect(root.querySelector('[data-slot="devices"]'), 'place for md-devices').to.not.equal(null);
    expect(root.querySelector('md-identity-panel')).to.not.equal(null);
    expect(root.querySelector('md-relay-settings')).to.not.equal(null);
    await until(() => root.querySelector('[data-testid="storage-used"]')!.textContent!.includes('2.0 MB of 100.0 MB'), 'storage use');
    expect(root.querySelector('[data-testid="storage-persist"]')!.getAttribute('data-state')).to.equal('refused');

    root.querySelector<HTMLButtonElement>('[data-testid="enable-notifications"]')!.click();
    await until(() => root.querySelector('[data-testid="notify-state"]')!.getAttribute('data-permission') === 'granted', 'granted');
    expect(device.requests).to.equal(1);

    const dark = root.querySelector<HTMLInputElement>('input[name="theme"][value="dark"]')!;
    dark.click();
    await until(() => document.documentElement.dataset.theme === 'dark', 'dark theme applied');
    expect(api.preferences.theme).to.equal('dark');

    root.querySelector<HTMLInputElement>('[data-testid="hide-previews"]')!.click();
    await until(() => api.preferences.hidePreviews, 'hide previews');

    const input = root.querySelector<HTMLInputElement>('#max-file-mb')!;
    input.value = '0';
    input.form!.requestSubmit();
    await until(() => root.textContent!.includes('greater than 0'), 'bad limit refused');
    expect(api.calls.some((c) => c.method === 'setMaxFileBytes')).to.equal(false);
    input.value = '2';
    input.form!.requestSubmit();
    await until(() => api.maxFileBytes === 2 * 1024 * 1024, 'limit saved');
  });

  it('a denied permission explains how to allow it, with no button that cannot work', async () => {
    const device = new FakeDevice();
    device.permission = 'denied';
    const el = await open(new SettingsApi(), device);
    await until(() => !!settingsRoot(el)?.querySelector('[data-testid="notify-state"]'), 'state');
    const root = settingsRoot(el)!;
    expect(root.querySelector('[data-testid="notify-state"]')!.textContent).to.match(/blocked.*site settings/s);
    expect(root.querySelector('[data-testid="enable-notifications"]')).to.equal(null);
  });

  it('the shell warns once storage is refused, until dismissed; offers notifications once a chat exists', async () => {
    const api = new SettingsApi();
    const device = new FakeDevice();
    const el = await open(api, device, '');
    await until(() => !!el.shadowRoot!.querySelector('md-storage-warning'), 'storage warning');
    await until(() => !!el.shadowRoot!.querySelector('md-notify-prompt'), 'notification offer');
    const prompt = el.shadowRoot!.querySelector('md-notify-prompt')!;
    [...prompt.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Not now')!.click();
    await until(() => !el.shadowRoot!.querySelector('md-notify-prompt'), 'offer closed');
    expect(api.preferences.notifyPromptDismissed).to.equal(true);
    const warning = el.shadowRoot!.querySelector('md-storage-warning')!;
    [...warning.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Dismiss')!.click();
    await until(() => !el.shadowRoot!.querySelector('md-storage-warning'), 'warning dismissed');
    expect(api.preferences.storageWarningDismissed).to.equal(true);
  });

  it('no offer and no warning for a new user without chats, or when storage is durable', async () => {
    const api = new SettingsApi();
    api.channels = [];
    const device = new FakeDevice();
    device.persist = 'persisted';
    const el = await open(api, device, '');
    await until(() => !!el.shadowRoot!.querySelector('md-chat-list') && device.persistCalls === 1, 'list, and durable storage asked for');
    await new Promise((r) => setTimeout(r));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('md-notify-prompt')).to.equal(null);
    expect(el.shadowRoot!.querySelector('md-storage-warning')).to.equal(null);
  });
});
