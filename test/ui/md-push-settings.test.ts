import { expect } from '@esm-bundle/chai';
import { MdPushSettings } from '../../src/ui/md-push-settings.js';
import { PUSH_MESSAGES, type PushStatus } from '../../src/core/push-service.js';
import type { PushControls } from '../../src/core/api.js';
import { mount, until } from './fake-api.js';

/** Push controls whose enable() ends in `outcome`. */
class FakePush extends EventTarget implements PushControls {
  calls: string[] = [];
  current: PushStatus = { supported: true, permission: 'default', enabled: false, busy: false, relays: [], error: '', souls: 0 };
  constructor(private readonly outcome: Partial<PushStatus>) {
    super();
  }
  status(): PushStatus {
    return this.current;
  }
  async enable(): Promise<PushStatus> {
    this.calls.push('enable');
    this.current = { ...this.current, ...this.outcome };
    this.dispatchEvent(new Event('change'));
    return this.current;
  }
  async disable(): Promise<PushStatus> {
    this.calls.push('disable');
    this.current = { ...this.current, enabled: false, relays: [] };
    this.dispatchEvent(new Event('change'));
    return this.current;
  }
}

const q = (el: MdPushSettings, id: string) => el.shadowRoot!.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;

describe('md-push-settings', () => {
  afterEach(() => document.body.replaceChildren());

  it('turns on with a switch and lists the relays that will notify', async () => {
    const push = new FakePush({ enabled: true, relays: [{ relay: 'https://r1.example/gun', registered: true, error: '', detail: '' }, { relay: 'https://r2.example/gun', registered: false, error: 'other-key', detail: '' }] });
    const el = await mount(Object.assign(new MdPushSettings(), { push }));
    const toggle = q(el, 'push-toggle') as HTMLInputElement;
    expect(toggle.getAttribute('role')).to.equal('switch');
    toggle.click();
    await until(() => q(el, 'push-state').dataset.enabled === 'true', 'enabled');
    expect(push.calls).to.deep.equal(['enable']);
    const relays = [...el.shadowRoot!.querySelectorAll('[data-testid="push-relay"]')].map((li) => li.textContent);
    expect(relays[0]).to.contain('https://r1.example: will notify this device');
    expect(relays[1]).to.contain(PUSH_MESSAGES['other-key']);
    (q(el, 'push-toggle') as HTMLInputElement).click();
    await until(() => q(el, 'push-state').dataset.enabled === 'false', 'disabled');
    expect(push.calls).to.deep.equal(['enable', 'disable']);
  });

  it('says how to allow notifications when permission was refused', async () => {
    const push = new FakePush({ enabled: false, permission: 'denied', error: 'permission-denied' });
    const el = await mount(Object.assign(new MdPushSettings(), { push }));
    (q(el, 'push-toggle') as HTMLInputElement).click();
    await until(() => q(el, 'push-error').textContent !== '', 'error');
    expect(q(el, 'push-error').textContent).to.equal(PUSH_MESSAGES['permission-denied']);
    expect(q(el, 'push-error').getAttribute('role')).to.equal('alert');
    expect((q(el, 'push-toggle') as HTMLInputElement).checked).to.equal(false);
  });

  it('explains when the browser has no Push API', async () => {
    const push = new FakePush({});
    push.current = { ...push.current, supported: false, permission: 'unsupported' };
    const el = await mount(Object.assign(new MdPushSettings(), { push }));
    expect((q(el, 'push-toggle') as HTMLInputElement).disabled).to.equal(true);
    expect(q(el, 'push-error').textContent).to.equal(PUSH_MESSAGES.unsupported);
  });
});
