import { expect } from '@esm-bundle/chai';
import { MdApp } from '../../src/ui/md-app.js';
import { chatOfRoute, inviteFromLocation, parseRoute, routeHash, type Route } from '../../src/ui/router.js';
import { FakeApi, makeChannel, makeMessage, until } from './fake-api.js';

describe('router: address ↔ screen', () => {
  it('maps every screen to one address and back', () => {
    const routes: Route[] = [
      { screen: 'chats' },
      { screen: 'chat', id: 'abc-DEF_1' },
      { screen: 'contacts' },
      { screen: 'contacts', scan: true },
      { screen: 'new-group' },
      { screen: 'group', id: 'g.1~x' },
      { screen: 'settings' },
      { screen: 'share', id: '0123abcd' },
    ];
    for (const r of routes) expect(parseRoute(routeHash(r))).to.deep.equal(r);
    expect(routeHash({ screen: 'chat', id: 'c1' })).to.equal('#/chat/c1');
    expect(parseRoute('#/contacts/scan')).to.deep.equal({ screen: 'contacts', scan: true });
    expect(parseRoute('#/contacts/other').screen).to.equal('not-found');
  });

  it('reads the empty address, trailing slashes and the old #/identity as screens', () => {
    expect(parseRoute('')).to.deep.equal({ screen: 'chats' });
    expect(parseRoute('#')).to.deep.equal({ screen: 'chats' });
    expect(parseRoute('#/')).to.deep.equal({ screen: 'chats' });
    expect(parseRoute('#/contacts/')).to.deep.equal({ screen: 'contacts' });
    expect(parseRoute('#/identity')).to.deep.equal({ screen: 'settings' });
  });

  it('names unknown or malformed addresses not-found instead of guessing', () => {
    for (const hash of ['#/nope', '#/chat', '#/chat/', '#/chat/a/b', '#/settings/x', '#/chat/%E0%A4%A', '#/chat/<script>', '#chats', `#/chat/${'a'.repeat(201)}`]) {
      expect(parseRoute(hash).screen, hash).to.equal('not-found');
    }
  });

  it('recognises invite links, which are not routes', () => {
    expect(inviteFromLocation({ hash: '#invite=abc', href: 'http://h/#invite=abc' })).to.equal('http://h/#invite=abc');
    expect(inviteFromLocation({ hash: '#/contacts', href: 'http://h/#/contacts' })).to.equal('');
    expect(parseRoute('#invite=abc').screen).to.equal('not-found');
    expect(chatOfRoute({ screen: 'group', id: 'g' })).to.equal('g');
    expect(chatOfRoute({ screen: 'settings' })).to.equal('');
  });
});

describe('router in the shell', () => {
  beforeEach(() => history.replaceState(null, '', location.pathname + location.search));
  afterEach(() => document.body.replaceChildren());

  async function shell(): Promise<MdApp> {
    const api = new FakeApi();
    api.channels = [makeChannel()];
    api.messages.set('c1', [makeMessage(1, { text: 'hello there' })]);
    const el = new MdApp();
    el.style.height = '600px';
    el.app = api;
    document.body.append(el);
    await el.updateComplete;
    return el;
  }

  const screenTag = (el: MdApp) => el.shadowRoot!.querySelector('[data-screen]')?.tagName.toLowerCase() ?? '';

  it('opening a chat pushes #/chat/<id>; back returns to the list inside the app', async () => {
    const el = await shell();
    const before = history.length;
    await until(() => !!el.shadowRoot!.querySelector('md-chat-list')?.shadowRoot?.querySelector('[data-testid="chat-item"]'), 'chat list');
    el.shadowRoot!.querySelector('md-chat-list')!.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="chat-item"]')!.click();
    await until(() => screenTag(el) === 'md-chat-screen', 'chat screen');
    expect(location.hash).to.equal('#/chat/c1');
    expect(history.length).to.equal(before + 1);
    history.back();
    await until(() => screenTag(el) === '', 'back to the list');
    expect(location.hash).to.equal('');
    expect(el.shadowRoot!.querySelector('.split')!.getAttribute('data-pane')).to.equal('list');
  });

  it('an address typed or linked opens its screen; an unknown one says so', async () => {
    history.replaceState(null, '', '#/settings');
    const el = await shell();
    await until(() => screenTag(el) === 'md-settings-screen', 'settings from the start address');
    location.hash = '#/chat/c1';
    await until(() => screenTag(el) === 'md-chat-screen', 'chat from a link');
    location.hash = '#/no-such-screen';
    await until(() => !!el.shadowRoot!.querySelector('[data-testid="not-found"]'), 'not found');
    location.hash = '#/contacts';
    await until(() => screenTag(el) === 'md-contacts-screen', 'contacts');
  });

  it('a chat that is not on this device says so rather than showing an empty chat', async () => {
    history.replaceState(null, '', '#/chat/unknown1');
    const el = await shell();
    await until(() => screenTag(el) === 'md-chat-screen', 'chat screen');
    const screen = el.shadowRoot!.querySelector('md-chat-screen')!;
    await until(() => screen.shadowRoot!.textContent!.includes('not on this device'), 'missing chat message');
  });

  it('the share target redirect becomes #/share/<id> without a history entry for the raw form', async () => {
    history.replaceState(null, '', '#share=0123abcd');
    const el = await shell();
    await until(() => screenTag(el) === 'md-share-screen', 'share screen');
    expect(location.hash).to.equal('#/share/0123abcd');
  });
});
