import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { MdApp, PAGE_SIZE, inviteFromLocation } from '../../src/ui/md-app.js';
import type { MdChatView } from '../../src/ui/md-chat-view.js';
import { MAX_WINDOW } from '../../src/ui/messages-window.js';
import { FakeApi, makeChannel, makeMessage, until } from './fake-api.js';

async function shell(api: FakeApi): Promise<MdApp> {
  const el = new MdApp();
  el.style.height = '600px';
  el.app = api;
  document.body.append(el);
  await el.updateComplete;
  await until(() => !!el.shadowRoot!.querySelector('md-chat-list')?.shadowRoot?.querySelector('[data-testid="chat-item"]'), 'chat list');
  return el;
}

function chatView(el: MdApp): MdChatView | null {
  return el.shadowRoot!.querySelector('md-chat-screen')?.shadowRoot?.querySelector('md-chat-view') ?? null;
}

function contactsOf(el: MdApp) {
  return el.shadowRoot!.querySelector('md-contacts-screen')?.shadowRoot?.querySelector('md-contacts') ?? null;
}

function renderedMessages(el: MdApp): number {
  return chatView(el)?.shadowRoot?.querySelectorAll('[data-testid="message"]').length ?? 0;
}

async function openFirstChat(el: MdApp): Promise<MdChatView> {
  el.shadowRoot!.querySelector('md-chat-list')!.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="chat-item"]')!.click();
  await until(() => renderedMessages(el) > 0, 'messages rendered');
  return chatView(el)!;
}

describe('md-app with a 10,000-message chat', () => {
  beforeEach(() => history.replaceState(null, '', location.pathname + location.search));
  afterEach(() => document.body.replaceChildren());

  it('renders only the newest page, and loads older pages on scroll keeping the position', async () => {
    const api = new FakeApi();
    api.messages.set('c1', Array.from({ length: 10_000 }, (_, i) => makeMessage(i)));
    // An older page comes from IndexedDB a few frames after the scroll that asked for it, as in the app: the
    // browser lays out and paints the top of the list in between (a page answered at once hid layout changes).
    const load = api.loadMessages.bind(api);
    api.loadMessages = async (channelId, options) => {
      const page = await load(channelId, options);
      if (options.before) for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
      return page;
    };
    const el = await shell(api);
    const view = await openFirstChat(el);
    expect(renderedMessages(el)).to.equal(PAGE_SIZE);
    // The newest message is the last one rendered.
    const texts = [...view.shadowRoot!.querySelectorAll('[data-testid="message-text"]')].map((n) => n.textContent);
    expect(texts[texts.length - 1]).to.equal('message 9999');
    // Heading got focus when the chat opened.
    expect(view.shadowRoot!.activeElement?.tagName).to.equal('H2');

    const scroller = view.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    await until(() => scroller.scrollTop > 0, 'at bottom');
    const anchor = view.shadowRoot!.querySelector<HTMLElement>('[data-testid="message"]')!;
    scroller.scrollTop = 0;
    const before = anchor.getBoundingClientRect().top;
    await until(() => renderedMessages(el) === 2 * PAGE_SIZE, 'older page');
    await view.updateComplete;
    expect(Math.abs(anchor.getBoundingClientRect().top - before)).to.be.lessThan(5);
    expect(api.calls.filter((c) => c.method === 'loadMessages').length).to.equal(2);
  });

  it('live messages for the open chat appear; status updates replace the bubble; other chats are ignored', async () => {
    const api = new FakeApi();
    api.messages.set('c1', [makeMessage(1)]);
    const el = await shell(api);
    const view = await openFirstChat(el);
    api.emitMessages('c1', [makeMessage(3, { text: 'live one' })]);
    api.emitMessages('other', [makeMessage(5, { channelId: 'other', text: 'elsewhere' })]);
    await until(() => renderedMessages(el) === 2, 'live message');
    api.emitMessages('c1', [makeMessage(2, { status: 'pending', sentAt: makeMessage(4).sentAt, id: 'zzz' })]);
    await until(() => !!view.shadowRoot!.querySelector('[data-id="zzz"] [data-status="pending"]'), 'pending');
    api.emitMessages('c1', [makeMessage(2, { status: 'delivered', sentAt: makeMessage(4).sentAt, id: 'zzz' })]);
    await until(() => !!view.shadowRoot!.querySelector('[data-id="zzz"] [data-status="delivered"]'), 'delivered');
    expect(renderedMessages(el)).to.equal(3);
  });

  it('sends text through the controller', async () => {
    const api = new FakeApi();
    api.messages.set('c1', [makeMessage(1)]);
    const el = await shell(api);
    const view = await openFirstChat(el);
    const composer = view.shadowRoot!.querySelector('md-composer')!;
    const ta = composer.shadowRoot!.querySelector('textarea')!;
    ta.value = 'hi there';
    ta.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await until(() => api.calls.some((c) => c.method === 'sendText' && c.args[1] === 'hi there'), 'sendText');
    await until(() => renderedMessages(el) === 2, 'my message shown');
  });

  it('opening /#invite=… goes to Contacts with the link prefilled', async () => {
    expect(inviteFromLocation({ hash: '#invite=abc', href: 'http://h/#invite=abc' })).to.equal('http://h/#invite=abc');
    expect(inviteFromLocation({ hash: '#other', href: 'http://h/#other' })).to.equal('');
    const api = new FakeApi();
    api.channels = [makeChannel()];
    history.replaceState(null, '', '#invite=abc');
    const el = await shell(api);
    await until(() => !!contactsOf(el), 'contacts screen');
    const contacts = contactsOf(el)!;
    await until(() => contacts.shadowRoot!.querySelector<HTMLInputElement>('#add-link')?.value.endsWith('#invite=abc') === true, 'prefilled');
    expect(location.hash).to.equal('#/contacts');
    contacts.shadowRoot!.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click();
    await until(() => contacts.shadowRoot!.querySelector('[data-testid="add-notice"]')!.textContent!.includes('Carol'), 'added');
  });

  it('"Message" on a contact opens the chat with them', async () => {
    const api = new FakeApi();
    api.messages.set('c1', [makeMessage(1, { text: 'from contacts' })]);
    const el = await shell(api);
    el.shadowRoot!.querySelector('md-chat-list')!.shadowRoot!.querySelector<HTMLButtonElement>('.actions button')!.click();
    await until(() => !!contactsOf(el)?.shadowRoot?.querySelector('[data-testid="contact"]'), 'contacts');
    contactsOf(el)!.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="contact"] button')!.click();
    await until(() => renderedMessages(el) === 1, 'chat opened');
  });

  it('caps the rendered window when scrolling far back, and jumps back to the newest messages', async () => {
    const api = new FakeApi();
    api.messages.set('c1', Array.from({ length: 10_000 }, (_, i) => makeMessage(i)));
    const el = await shell(api);
    const view = await openFirstChat(el);
    const scroller = view.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    for (let pages = 2; pages <= MAX_WINDOW / PAGE_SIZE + 1; pages++) {
      await until(() => !view.loadingOlder, 'idle');
      scroller.scrollTop = 0;
      scroller.dispatchEvent(new Event('scroll'));
      await until(() => api.calls.filter((c) => c.method === 'loadMessages').length === pages, `page ${pages}`);
    }
    await until(() => !!view.shadowRoot!.querySelector('[data-testid="jump-newest"]'), 'jump button');
    expect(renderedMessages(el)).to.equal(MAX_WINDOW);
    const texts = () => [...view.shadowRoot!.querySelectorAll('[data-testid="message-text"]')].map((n) => n.textContent);
    expect(texts()[texts().length - 1]).to.not.equal('message 9999');
    // A live message newer than the window is not squeezed in after a gap.
    api.emitMessages('c1', [makeMessage(20_000, { text: 'brand new' })]);
    await new Promise((r) => setTimeout(r, 50));
    expect(texts()).to.not.include('brand new');
    view.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="jump-newest"]')!.click();
    await until(() => renderedMessages(el) === PAGE_SIZE, 'newest page');
    expect(texts()[texts().length - 1]).to.equal('brand new');
    await until(() => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 5, 'scrolled to the end');
  });

  it('keyboard: Tab reaches the chats, Enter opens one and focus moves to its heading', async () => {
    const api = new FakeApi();
    api.messages.set('c1', [makeMessage(1)]);
    await shell(api);
    const deepActive = () => {
      let a: Element | null = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return a;
    };
    (document.activeElement as HTMLElement | null)?.blur();
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await sendKeys({ press: 'Tab' });
      reached = deepActive()?.getAttribute('data-testid') === 'chat-item';
    }
    expect(reached, 'a chat item is reachable with Tab').to.equal(true);
    await sendKeys({ press: 'Enter' });
    await until(() => deepActive()?.tagName === 'H2', 'heading focused');
    expect(deepActive()!.textContent).to.contain('Bob');
  });
});

describe('md-app: a closed chat', () => {
  beforeEach(() => history.replaceState(null, '', location.pathname + location.search));
  afterEach(() => document.body.replaceChildren());

  // The phone e2e test lost an unread message about once in ten runs: a chat closed while its summary was
  // loading listened again when the load finished, and its view, off the page, marked new messages read.
  it('stops listening when closed mid-load, and marks nothing read that arrives afterwards', async () => {
    const api = new FakeApi();
    api.messages.set('c1', [makeMessage(1), makeMessage(2)]);
    const el = await shell(api);
    const view = await openFirstChat(el);
    // The chat's summary reloads on 'channels' events; hold the next load until the chat is closed.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const get = api.getChannel.bind(api);
    let loads = 0;
    api.getChannel = async (id) => {
      loads++;
      if (loads === 1) await held;
      return get(id);
    };
    api.dispatchEvent(new Event('channels'));
    await until(() => loads === 1, 'a summary load under way');
    view.shadowRoot!.querySelector<HTMLButtonElement>('button.back')!.click();
    await until(() => !el.shadowRoot!.querySelector('md-chat-screen'), 'the chat closed');
    release();
    await new Promise((r) => setTimeout(r, 50));
    const loadsAfterClose = loads;
    // A message arrives in the closed chat.
    api.channels = [makeChannel({ unread: 1 })];
    api.emitMessages('c1', [makeMessage(3)]);
    api.dispatchEvent(new Event('channels'));
    await new Promise((r) => setTimeout(r, 200));
    expect(loads, 'no summary reloads for a closed chat').to.equal(loadsAfterClose);
    expect(api.calls.filter((c) => c.method === 'markRead')).to.deep.equal([]);
  });
});
