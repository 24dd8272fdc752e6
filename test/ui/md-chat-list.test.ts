import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { MdChatList, sortChannels } from '../../src/ui/md-chat-list.js';
import { XSS, makeChannel, mount } from './fake-api.js';

describe('md-chat-list', () => {
  afterEach(() => document.body.replaceChildren());

  it('sorts chats by last activity, newest first', () => {
    const sorted = sortChannels([makeChannel({ id: 'a', lastMessageAt: 1 }), makeChannel({ id: 'b', lastMessageAt: 3 }), makeChannel({ id: 'c', lastMessageAt: 2 })]);
    expect(sorted.map((c) => c.id)).to.deep.equal(['b', 'c', 'a']);
  });

  it('shows title, preview, unread badge with an accessible label and the closed state', async () => {
    const el = await mount(new MdChatList());
    el.channels = [
      makeChannel({ id: 'a', title: 'Alice', lastMessagePreview: 'see you', unread: 3, lastMessageAt: 2 }),
      makeChannel({ id: 'g', kind: 'group', title: 'Team', closed: true, lastMessageAt: 1 }),
    ];
    await el.updateComplete;
    const items = el.shadowRoot!.querySelectorAll('[data-testid="chat-item"]');
    expect(items.length).to.equal(2);
    expect(items[0]!.querySelector('.title')!.textContent).to.contain('Alice');
    expect(items[0]!.querySelector('.preview')!.textContent).to.equal('see you');
    const badge = items[0]!.querySelector('[data-testid="unread-badge"]')!;
    expect(badge.textContent!.trim()).to.equal('3');
    expect(badge.getAttribute('aria-label')).to.equal('3 unread messages');
    expect(items[1]!.querySelector('.closed')!.textContent).to.equal('closed');
    expect(items[1]!.querySelector('[data-testid="unread-badge"]')).to.equal(null);
  });

  it('explains how to add a contact when there are no chats', async () => {
    const el = await mount(new MdChatList());
    const empty = el.shadowRoot!.querySelector('[data-testid="chat-list-empty"]')!;
    expect(empty.textContent).to.contain('invite link');
    let shown = false;
    el.addEventListener('show-contacts', () => (shown = true));
    empty.querySelector('button')!.click();
    expect(shown).to.equal(true);
  });

  it('renders titles and previews as text, never as HTML', async () => {
    const el = await mount(new MdChatList());
    el.channels = [makeChannel({ title: XSS, lastMessagePreview: XSS })];
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(el.shadowRoot!.querySelector('.preview')!.textContent).to.equal(XSS);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('opens a chat with the keyboard (Tab to the item, Enter)', async () => {
    const el = await mount(new MdChatList());
    el.channels = [makeChannel({ id: 'x1', title: 'Xavier' })];
    await el.updateComplete;
    let opened = '';
    el.addEventListener('open-chat', (e) => (opened = (e as CustomEvent<{ channelId: string }>).detail.channelId));
    el.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="chat-item"]')!.focus();
    await sendKeys({ press: 'Enter' });
    expect(opened).to.equal('x1');
  });
});
