import { expect } from '@esm-bundle/chai';
import 'axe-core/axe.js';
import { MdChatView } from '../../src/ui/md-chat-view.js';
import { MdMessageActions } from '../../src/ui/md-message-actions.js';
import { MdReactions } from '../../src/ui/md-reactions.js';
import { MdSearch } from '../../src/ui/md-search.js';
import { linkify } from '../../src/ui/linkify.js';
import { runMessageAction } from '../../src/ui/message-actions.js';
import type { MessageActionDetail, SendTextDetail } from '../../src/ui/events.js';
import type { SearchResult } from '../../src/core/api.js';
import { FakeApi, XSS, makeChannel, makeMessage, mount, until } from './fake-api.js';

interface AxeResult {
  violations: { id: string; nodes: { html: string }[] }[];
}
const axe = (globalThis as unknown as { axe: { run(ctx: Element, opts?: object): Promise<AxeResult> } }).axe;

/** Runs axe-core on an element (shadow DOM included) and returns the ids of the rules it violates. */
async function violations(el: Element): Promise<string[]> {
  const res = await axe.run(el, { resultTypes: ['violations'] });
  return res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`);
}

async function chat(): Promise<MdChatView> {
  const el = new MdChatView();
  el.style.height = '500px';
  return mount(el);
}

const events = <T>(el: EventTarget, type: string): T[] => {
  const got: T[] = [];
  el.addEventListener(type, (e) => got.push((e as CustomEvent<T>).detail));
  return got;
};

const key = (el: Element, k: string) => el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }));

/** The element focused inside nested shadow roots. */
function deepActive(): Element | null {
  let a: Element | null = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}

describe('message actions', () => {
  afterEach(() => document.body.replaceChildren());

  it('open by keyboard, move with arrows, close with Escape back on the button; every action has a label', async () => {
    const el = await mount(new MdMessageActions());
    el.message = makeMessage(2, { reactionSummary: [{ emoji: '👍', count: 1, names: ['You'], mine: true }] });
    el.canDeleteForEveryone = true;
    await el.updateComplete;
    const toggle = el.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="message-actions"]')!;
    expect(toggle.getAttribute('aria-label')).to.equal('Actions for your message');
    expect(toggle.getAttribute('aria-haspopup')).to.equal('menu');
    toggle.focus();
    key(toggle, 'ArrowDown');
    await until(() => el.shadowRoot!.querySelector('[role="menu"]') !== null, 'menu');
    await el.updateComplete;
    const items = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    expect(items.map((i) => i.getAttribute('aria-label'))).to.deep.equal([
      'Remove your reaction 👍',
      'React with ❤️',
      'React with 😂',
      'React with 😮',
      'React with 😢',
      'React with 🙏',
      'React with another emoji',
      'Reply',
      'Edit',
      'Delete for everyone',
      'Delete for me',
    ]);
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(deepActive()).to.equal(items[0]);
    key(items[0]!, 'ArrowUp');
    expect(deepActive()).to.equal(items[items.length - 1]);
    key(items[items.length - 1]!, 'Home');
    expect(deepActive()).to.equal(items[0]);
    key(items[0]!, 'End');
    key(items[items.length - 1]!, 'Escape');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="menu"]')).to.equal(null);
    expect(deepActive()).to.equal(toggle);
    expect(await violations(el)).to.deep.equal([]);
  });

  it('each action emits what it names; someone else\'s message offers no edit and (not admin) no delete for everyone', async () => {
    const el = await mount(new MdMessageActions());
    el.message = makeMessage(1); // Bob's
    await el.updateComplete;
    const got = events<MessageActionDetail>(el, 'message-action');
    const choose = async (action: string, emojiLabel?: string) => {
      await el.openMenu();
      const sel = emojiLabel ? `[aria-label="${emojiLabel}"]` : `[data-action="${action}"]`;
      el.shadowRoot!.querySelector<HTMLElement>(sel)!.click();
      await el.updateComplete;
    };
    await el.openMenu();
    expect(el.shadowRoot!.querySelector('[data-action="edit"]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[data-action="delete-everyone"]')).to.equal(null);
    el.close();
    await choose('react', 'React with 😂');
    await choose('reply');
    await choose('delete-me');
    expect(got.map((d) => [d.action, d.emoji ?? ''])).to.deep.equal([
      ['react', '😂'],
      ['reply', ''],
      ['delete-me', ''],
    ]);
    // Any other emoji through the small form.
    await choose('other-emoji');
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('form input')!;
    input.value = '🦀';
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    expect(got[got.length - 1]).to.deep.include({ action: 'react', emoji: '🦀' });
  });

  it('reaction chips announce emoji, count and who; activating mine removes it', async () => {
    const el = await mount(new MdReactions());
    el.message = makeMessage(1, {
      reactionSummary: [
        { emoji: '❤️', count: 2, names: ['Bob', 'You'], mine: true },
        { emoji: '👍', count: 1, names: ['Cy'], mine: false },
      ],
    });
    await el.updateComplete;
    const chips = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[data-testid="reaction"]')];
    expect(chips.map((c) => c.getAttribute('aria-label'))).to.deep.equal([
      '❤️ 2 reactions: Bob and You. Activate to remove yours',
      '👍 1 reaction: Cy. Activate to react with 👍',
    ]);
    expect(chips[0]!.getAttribute('aria-pressed')).to.equal('true');
    const got = events<MessageActionDetail>(el, 'message-action');
    chips[0]!.click();
    chips[1]!.click();
    expect(got.map((d) => d.emoji)).to.deep.equal(['', '👍']);
    expect(await violations(el)).to.deep.equal([]);
  });

  it('the controller gets each action', async () => {
    const api = new FakeApi();
    for (const action of ['react', 'edit', 'delete-everyone', 'delete-me'] as const) {
      await runMessageAction(api, { action, channelId: 'c1', messageId: 'm1', emoji: '👍', text: 'new' });
    }
    expect(api.calls.map((c) => c.method)).to.deep.equal(['react', 'editMessage', 'deleteForEveryone', 'deleteForMe']);
  });
});

describe('md-chat-view conversation features', () => {
  afterEach(() => document.body.replaceChildren());

  it('an open chat has no axe violations (no list holding non-items), with quotes, reactions, edits, deletions and seen', async () => {
    const el = await chat();
    el.channel = makeChannel({ kind: 'group', title: 'Team', isAdmin: true });
    el.messages = [
      makeMessage(1, { text: 'see https://example.org/a.' }),
      makeMessage(2, { replyTo: makeMessage(1).id, quote: { id: makeMessage(1).id, authorName: 'Bob', text: 'see', state: 'ok' }, seenBy: ['Bob', 'Cy'] }),
      makeMessage(3, { edited: { at: 1, id: 'x' }, reactionSummary: [{ emoji: '👍', count: 1, names: ['You'], mine: true }] }),
      makeMessage(5, { deleted: true, text: '' }),
      makeMessage(100_000, { sentAt: 1_800_000_000_000 }), // another day: a day heading between
    ];
    await el.updateComplete;
    const root = el.shadowRoot!;
    const list = root.querySelector('[data-testid="message-list"]')!;
    expect([...list.children].every((c) => c.tagName === 'LI' && !c.hasAttribute('role'))).to.equal(true);
    expect(root.querySelector('[data-testid="edited"]')?.textContent).to.equal('edited');
    expect(root.querySelector('[data-deleted="true"]')?.textContent).to.equal('Message deleted');
    const seen = root.querySelector('[data-status="seen"]')!;
    expect(seen.querySelector('.visually-hidden')!.textContent).to.equal('Seen by Bob and Cy');
    const link = root.querySelector<HTMLAnchorElement>('[data-testid="message-text"] a')!;
    expect(link.href).to.equal('https://example.org/a');
    expect(link.rel).to.equal('noopener noreferrer');
    expect(link.target).to.equal('_blank');
    expect(await violations(el)).to.deep.equal([]);
  });

  it('reply and edit are composer modes: the sent text carries replyTo, or becomes an edit action', async () => {
    const el = await chat();
    el.channel = makeChannel();
    const bobs = makeMessage(1, { text: 'question?' });
    const mine = makeMessage(2, { text: 'typo hree' });
    el.messages = [bobs, mine];
    await el.updateComplete;
    const sent = events<SendTextDetail>(el, 'send-text');
    const actions = events<MessageActionDetail>(el, 'message-action');
    const menuOf = (id: string) => el.shadowRoot!.querySelector(`li[data-id="${id}"] md-message-actions`)! as MdMessageActions;

    await menuOf(bobs.id).openMenu();
    menuOf(bobs.id).shadowRoot!.querySelector<HTMLElement>('[data-action="reply"]')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[data-testid="composing"]')!.textContent).to.contain('Replying to Bob');
    const composer = el.shadowRoot!.querySelector('md-composer')!;
    const box = composer.shadowRoot!.querySelector('textarea')!;
    box.value = 'answer';
    composer.shadowRoot!.querySelector('form')!.requestSubmit();
    expect(sent[0]).to.deep.include({ text: 'answer', replyTo: bobs.id });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[data-testid="composing"]')).to.equal(null);

    await menuOf(mine.id).openMenu();
    menuOf(mine.id).shadowRoot!.querySelector<HTMLElement>('[data-action="edit"]')!.click();
    await el.updateComplete;
    expect(box.value).to.equal('typo hree');
    box.value = 'typo here';
    composer.shadowRoot!.querySelector('form')!.requestSubmit();
    expect(sent.length).to.equal(1); // not sent as a new message
    expect(actions.filter((a) => a.action === 'edit')).to.have.length(1);
    expect(actions.find((a) => a.action === 'edit')).to.deep.include({ messageId: mine.id, text: 'typo here' });
  });

  it('tapping a quote scrolls to the original, or asks for its page when it is not loaded', async () => {
    const el = await chat();
    el.channel = makeChannel();
    const original = makeMessage(1, { text: 'the original' });
    const filler = Array.from({ length: 40 }, (_, i) => makeMessage(10 + i));
    const reply = makeMessage(60, { replyTo: original.id, quote: { id: original.id, authorName: 'Bob', text: 'the original', state: 'ok' } });
    const far = makeMessage(61, { replyTo: 'gone', quote: { id: 'gone', authorName: 'Bob', text: 'old', state: 'ok' } });
    el.messages = [original, ...filler, reply, far];
    await el.updateComplete;
    const scroller = el.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    await until(() => scroller.scrollTop > 0, 'scrolled to bottom');
    const quote = el.shadowRoot!.querySelector<HTMLButtonElement>(`li[data-id="${reply.id}"] [data-testid="quote"]`)!;
    expect(quote.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Quoted message from Bob: the original. Go to it');
    quote.click();
    const li = el.shadowRoot!.querySelector<HTMLElement>(`li[data-id="${original.id}"]`)!;
    await until(() => scroller.scrollTop < li.offsetTop + li.offsetHeight, 'original in view');
    expect(el.shadowRoot!.activeElement).to.equal(li);
    const jumps = events<{ messageId: string }>(el, 'jump-to-message');
    el.shadowRoot!.querySelector<HTMLButtonElement>(`li[data-id="${far.id}"] [data-testid="quote"]`)!.click();
    expect(jumps.map((j) => j.messageId)).to.deep.equal(['gone']);
  });
});

describe('links', () => {
  it('only http(s) URLs become links; other schemes stay text', () => {
    const parts = linkify('a javascript:alert(1) b http://x.org/p?q=1 c data:text/html,hi d https://en.wikipedia.org/wiki/Foo_(bar), e');
    const links = parts.filter((p) => typeof p !== 'string');
    expect(links).to.have.length(2);
    expect(parts.filter((p) => typeof p === 'string').join('')).to.contain('javascript:alert(1)');
    const host = document.createElement('div');
    document.body.append(host);
    const chatView = new MdChatView();
    chatView.channel = makeChannel();
    chatView.messages = [makeMessage(1, { text: `${XSS} https://a.example/x javascript:alert(1)` })];
    host.append(chatView);
    return chatView.updateComplete.then(() => {
      const anchors = [...chatView.shadowRoot!.querySelectorAll('a')];
      expect(anchors.map((a) => a.getAttribute('href'))).to.deep.equal(['https://a.example/x']);
      expect(chatView.shadowRoot!.querySelector('img')).to.equal(null);
      host.remove();
    });
  });
});

describe('md-search', () => {
  afterEach(() => document.body.replaceChildren());

  it('shows results with chat title and highlighted snippet (text only); Enter opens one in context', async () => {
    const el = new MdSearch();
    const result: SearchResult = {
      channelId: 'c1',
      channelTitle: 'Bob',
      message: makeMessage(1, { text: `lunch ${XSS}` }),
      before: '',
      match: 'lunch',
      after: ` ${XSS}`,
    };
    const queries: string[] = [];
    el.search = async (q) => (queries.push(q), q === 'lunch' ? [result] : []);
    await mount(el);
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
    input.value = 'lunch';
    input.dispatchEvent(new Event('input'));
    await until(() => !!el.shadowRoot!.querySelector('[data-testid="search-result"]'), 'results');
    const item = el.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="search-result"]')!;
    expect(item.querySelector('.title')!.textContent).to.equal('Bob');
    expect(item.querySelector('mark')!.textContent).to.equal('lunch');
    expect(item.querySelector('img')).to.equal(null);
    expect(queries).to.deep.equal(['lunch']);
    const opened = events<{ channelId: string; messageId: string }>(el, 'open-search-result');
    key(input, 'ArrowDown');
    expect(el.shadowRoot!.activeElement).to.equal(item);
    item.click();
    expect(opened).to.deep.equal([{ channelId: 'c1', messageId: result.message.id }]);
    expect(await violations(el)).to.deep.equal([]);
    input.value = 'nothing';
    input.dispatchEvent(new Event('input'));
    await until(() => !!el.shadowRoot!.querySelector('[data-testid="search-status"]'), 'no results');
  });
});

describe('md-app: search result and quote open the message in context', () => {
  beforeEach(() => history.replaceState(null, '', location.pathname + location.search));
  afterEach(() => document.body.replaceChildren());

  it('a search result far back in history loads the page around it and focuses it; a quote of an unloaded message does the same', async () => {
    const { MdApp } = await import('../../src/ui/md-app.js');
    const api = new FakeApi();
    const all = Array.from({ length: 2000 }, (_, i) => makeMessage(i));
    const old = all[123]!;
    all.push(makeMessage(5000, { replyTo: all[40]!.id, quote: { id: all[40]!.id, authorName: 'Bob', text: 'message 40', state: 'ok' } }));
    api.messages.set('c1', all);
    api.searchResults = [{ channelId: 'c1', channelTitle: 'Bob', message: old, before: '', match: 'message 123', after: '' }];
    const el = new MdApp();
    el.style.height = '600px';
    el.app = api;
    document.body.append(el);
    await until(() => !!el.shadowRoot!.querySelector('md-chat-list')?.shadowRoot?.querySelector('md-search'), 'search box');
    const search = el.shadowRoot!.querySelector('md-chat-list')!.shadowRoot!.querySelector('md-search')!;
    const input = search.shadowRoot!.querySelector<HTMLInputElement>('input')!;
    input.value = 'message 123';
    input.dispatchEvent(new Event('input'));
    await until(() => !!search.shadowRoot!.querySelector('[data-testid="search-result"]'), 'result');
    search.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="search-result"]')!.click();
    const view = () => el.shadowRoot!.querySelector('md-chat-screen')?.shadowRoot?.querySelector('md-chat-view');
    const focusedId = () => view()?.shadowRoot?.activeElement?.getAttribute('data-id');
    await until(() => focusedId() === old.id, 'the found message focused');
    expect(api.calls.some((c) => c.method === 'loadMessagesAround' && c.args[1] === old.id)).to.equal(true);
    expect(view()!.hasNewer).to.equal(true); // "Jump to newest" is offered

    // Back to the newest page, then tap the quote of message 40 (not loaded): its page is loaded around it.
    view()!.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="jump-newest"]')!.click();
    await until(() => !!view()?.shadowRoot?.querySelector('[data-testid="quote"]'), 'reply with quote');
    view()!.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="quote"]')!.click();
    await until(() => focusedId() === all[40]!.id, 'the quoted message focused');
  });
});
