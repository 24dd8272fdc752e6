import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { MdComposer, MESSAGE_MAX_LENGTH } from '../../src/ui/md-composer.js';
import type { SendTextDetail } from '../../src/ui/events.js';
import { mount, until } from './fake-api.js';

function textarea(el: MdComposer): HTMLTextAreaElement {
  return el.shadowRoot!.querySelector('textarea')!;
}

describe('md-composer', () => {
  afterEach(() => document.body.replaceChildren());

  it('Enter sends, Shift+Enter inserts a new line', async () => {
    const el = await mount(new MdComposer());
    const sent: string[] = [];
    el.addEventListener('send-text', (e) => sent.push((e as CustomEvent<SendTextDetail>).detail.text));
    textarea(el).focus();
    await sendKeys({ type: 'line one' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ type: 'line two' });
    expect(sent).to.deep.equal([]);
    await sendKeys({ press: 'Enter' });
    expect(sent).to.deep.equal(['line one\nline two']);
    expect(textarea(el).value).to.equal('');
  });

  it('does not send blank messages', async () => {
    const el = await mount(new MdComposer());
    let count = 0;
    el.addEventListener('send-text', () => count++);
    textarea(el).focus();
    await sendKeys({ type: '   ' });
    await sendKeys({ press: 'Enter' });
    expect(count).to.equal(0);
  });

  it('explains the length limit and refuses to send too long a message without cutting it', async () => {
    const el = await mount(new MdComposer());
    let count = 0;
    el.addEventListener('send-text', () => count++);
    const ta = textarea(el);
    ta.value = 'x'.repeat(MESSAGE_MAX_LENGTH + 5);
    ta.dispatchEvent(new Event('input'));
    await el.updateComplete;
    const info = el.shadowRoot!.querySelector('[data-testid="composer-info"]')!;
    expect(info.textContent).to.contain('too long');
    expect(ta.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled).to.equal(true);
    ta.focus();
    await sendKeys({ press: 'Enter' });
    expect(count).to.equal(0);
    expect(ta.value.length).to.equal(MESSAGE_MAX_LENGTH + 5);
  });

  it('shows why it is disabled when the chat is closed', async () => {
    const el = await mount(new MdComposer());
    el.disabled = true;
    el.disabledReason = 'This chat is closed.';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('textarea')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[data-testid="composer-closed"]')!.textContent).to.contain('closed');
  });

  it('puts the text back and shows the error when sending fails', async () => {
    const el = await mount(new MdComposer());
    el.addEventListener('send-text', (e) => (e as CustomEvent<SendTextDetail>).detail.waitUntil(Promise.reject(new Error('Storage is full'))));
    textarea(el).focus();
    await sendKeys({ type: 'keep me' });
    await sendKeys({ press: 'Enter' });
    await until(() => textarea(el).value === 'keep me', 'text restored');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[data-testid="composer-info"]')!.textContent).to.contain('Storage is full');
  });

  it('offers an "attach" slot for the file button', async () => {
    const el = await mount(new MdComposer());
    expect(el.shadowRoot!.querySelector('slot[name="attach"]')).to.not.equal(null);
  });
});
