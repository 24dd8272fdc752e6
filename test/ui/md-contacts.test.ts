import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { MdContacts } from '../../src/ui/md-contacts.js';
import { qrPath } from '../../src/ui/md-qr-code.js';
import { XSS, mount, until } from './fake-api.js';

const contact = { pub: 'p1', name: 'Bob', safetyNumber: '11111 22222 33333 44444 55555 66666 77777 88888 99999 00000 12345 67890', channelId: 'c1', verified: false };

describe('md-contacts', () => {
  afterEach(() => document.body.replaceChildren());

  it('shows the invite link and renders its QR code locally as SVG', async () => {
    const el = await mount(new MdContacts());
    el.inviteLink = 'http://127.0.0.1:1234/#invite=eyJwdWIiOiJhYmMifQ';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLInputElement>('[data-testid="invite-link"]')!.value).to.equal(el.inviteLink);
    const qr = el.shadowRoot!.querySelector('md-qr-code')!;
    await qr.updateComplete;
    const svg = qr.shadowRoot!.querySelector('svg')!;
    expect(svg.getAttribute('aria-label')).to.contain('invite link');
    expect(svg.querySelector('path')!.getAttribute('d')!.length).to.be.greaterThan(100);
  });

  it('QR encoding is deterministic and handles non-ASCII text', () => {
    const a = qrPath('https://example.test/#invite=Zoë');
    expect(a).to.not.equal(undefined);
    expect(a!.size).to.be.greaterThan(20);
    expect(qrPath('https://example.test/#invite=Zoë')!.d).to.equal(a!.d);
  });

  it('emits accept-invite with the pasted link, and shows errors', async () => {
    const el = await mount(new MdContacts());
    let link = '';
    el.addEventListener('accept-invite', (e) => (link = (e as CustomEvent<{ link: string }>).detail.link));
    el.shadowRoot!.querySelector<HTMLInputElement>('#add-link')!.focus();
    await sendKeys({ type: '  http://x/#invite=abc  ' });
    await sendKeys({ press: 'Enter' });
    expect(link).to.equal('http://x/#invite=abc');
    el.addError = 'This link is damaged.';
    await el.updateComplete;
    const err = el.shadowRoot!.querySelector('[data-testid="add-error"]')!;
    expect(err.textContent).to.equal('This link is damaged.');
    expect(err.getAttribute('role')).to.equal('alert');
  });

  it('prefills a pending invite from the address', async () => {
    const el = await mount(new MdContacts());
    el.pendingInvite = 'http://x/#invite=zzz';
    await el.updateComplete;
    await until(() => el.shadowRoot!.querySelector<HTMLInputElement>('#add-link')!.value === 'http://x/#invite=zzz', 'prefill');
    expect(el.shadowRoot!.querySelector('[data-testid="pending-invite"]')).to.not.equal(null);
  });

  it('lists contacts with safety numbers and a verified toggle; names render as text', async () => {
    const el = await mount(new MdContacts());
    el.contacts = [contact, { ...contact, pub: 'p2', name: XSS, verified: true }];
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('img')).to.equal(null);
    const names = [...root.querySelectorAll('[data-testid="contact-name"]')].map((n) => n.textContent);
    expect(names).to.include(XSS);
    const bob = root.querySelector('[data-pub="p1"]')!;
    expect(bob.querySelectorAll('[data-testid="safety-number"] span').length).to.equal(12);
    let detail: { pub: string; verified: boolean } | undefined;
    el.addEventListener('set-verified', (e) => (detail = (e as CustomEvent<{ pub: string; verified: boolean }>).detail));
    bob.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    expect(detail).to.deep.equal({ pub: 'p1', verified: true });
  });
});
