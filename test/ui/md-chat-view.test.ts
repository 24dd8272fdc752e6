import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import { MdChatView } from '../../src/ui/md-chat-view.js';
import { XSS, makeChannel, makeMessage, mount, until } from './fake-api.js';

async function view(): Promise<MdChatView> {
  const el = new MdChatView();
  el.style.height = '400px';
  return mount(el);
}

describe('md-chat-view', () => {
  afterEach(() => document.body.replaceChildren());

  it('renders my and their bubbles, author names in groups, and status as icon plus text', async () => {
    const el = await view();
    el.channel = makeChannel({ kind: 'group', title: 'Team' });
    el.messages = [
      makeMessage(1, { authorName: 'Bob' }),
      makeMessage(2, { status: 'pending' }),
      makeMessage(4, { status: 'sent' }),
      makeMessage(6, { status: 'delivered' }),
      makeMessage(8, { status: 'failed' }),
    ];
    await el.updateComplete;
    const root = el.shadowRoot!;
    const msgs = root.querySelectorAll('[data-testid="message"]');
    expect(msgs.length).to.equal(5);
    expect(msgs[0]!.classList.contains('theirs')).to.equal(true);
    expect(msgs[0]!.querySelector('[data-testid="message-author"]')!.textContent).to.equal('Bob');
    expect(msgs[1]!.classList.contains('mine')).to.equal(true);
    expect(msgs[1]!.querySelector('[data-testid="message-author"]')).to.equal(null);
    const statuses = [...root.querySelectorAll('[data-testid="message-status"]')];
    expect(statuses.map((s) => s.getAttribute('data-status'))).to.deep.equal(['pending', 'sent', 'delivered', 'failed']);
    expect(statuses.map((s) => s.querySelector('.visually-hidden')!.textContent)).to.deep.equal(['Pending', 'Sent', 'Delivered', 'Failed to send']);
  });

  it("shows why a message of mine failed (the relay's refusal), and only on failed messages", async () => {
    const el = await view();
    el.channel = makeChannel();
    const reason = 'This relay is full and takes no new data. Try again later or add another relay.';
    el.messages = [makeMessage(2, { status: 'failed', failReason: reason }), makeMessage(4, { status: 'sent', failReason: 'stale' }), makeMessage(6, { status: 'failed' })];
    await el.updateComplete;
    const reasons = [...el.shadowRoot!.querySelectorAll('[data-testid="message-fail-reason"]')];
    expect(reasons.map((r) => r.textContent)).to.deep.equal([reason]);
    expect(reasons[0]!.closest('[data-testid="message"]')!.getAttribute('data-id')).to.equal(el.messages[0]!.id);
  });

  it('does not show author names in a 1:1 chat', async () => {
    const el = await view();
    el.channel = makeChannel();
    el.messages = [makeMessage(1)];
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[data-testid="message-author"]')).to.equal(null);
  });

  it('renders message text and author names literally', async () => {
    const el = await view();
    el.channel = makeChannel({ kind: 'group', title: XSS });
    el.messages = [makeMessage(1, { text: XSS, authorName: XSS })];
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('img')).to.equal(null);
    expect(root.querySelector('[data-testid="message-text"]')!.textContent).to.equal(XSS);
    expect(root.querySelector('[data-testid="message-author"]')!.textContent).to.equal(XSS);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('announces a newly arrived message from someone else in an aria-live region', async () => {
    const el = await view();
    el.channel = makeChannel();
    el.messages = [makeMessage(1), makeMessage(2)];
    await el.updateComplete;
    const live = el.shadowRoot!.querySelector('[data-testid="chat-announcer"]')!;
    expect(live.getAttribute('aria-live')).to.equal('polite');
    expect(live.textContent).to.equal('');
    el.messages = [...el.messages, makeMessage(3, { text: 'are you there?' })];
    await el.updateComplete;
    expect(live.textContent).to.equal('New message from Bob: are you there?');
  });

  it('asks for older messages when scrolled to the top and keeps the visible message in place', async () => {
    const el = await view();
    el.channel = makeChannel();
    el.messages = Array.from({ length: 50 }, (_, i) => makeMessage(100 + i));
    el.hasMore = true;
    await el.updateComplete;
    const scroller = el.shadowRoot!.querySelector<HTMLElement>('.scroller')!;
    await until(() => scroller.scrollTop > 0, 'scrolled to the bottom');
    let asked = 0;
    el.addEventListener('load-older', () => asked++);
    scroller.scrollTop = 0;
    await until(() => asked === 1, 'load-older');
    const anchor = el.shadowRoot!.querySelector<HTMLElement>('[data-testid="message"]')!;
    const before = anchor.getBoundingClientRect().top;
    el.messages = [...Array.from({ length: 50 }, (_, i) => makeMessage(50 + i)), ...el.messages];
    await el.updateComplete;
    const after = anchor.getBoundingClientRect().top;
    expect(Math.abs(after - before)).to.be.lessThan(5);
  });

  it('marks the chat read when unread messages are on screen', async () => {
    const el = await view();
    let marked = '';
    el.addEventListener('mark-read', (e) => (marked = (e as CustomEvent<{ channelId: string }>).detail.channelId));
    el.channel = makeChannel({ id: 'cx', unread: 2 });
    el.messages = [makeMessage(1), makeMessage(3)];
    await el.updateComplete;
    await until(() => marked === 'cx', 'mark-read');
  });

  it('marks nothing read once taken off the page, even when it is still updated', async () => {
    const el = await view();
    let marked = 0;
    el.addEventListener('mark-read', () => marked++);
    el.channel = makeChannel({ id: 'cx' });
    el.messages = [makeMessage(1)];
    await el.updateComplete;
    el.remove();
    el.channel = makeChannel({ id: 'cx', unread: 1 });
    el.messages = [makeMessage(1), makeMessage(3)];
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 50));
    expect(marked).to.equal(0);
  });

  it('renders file messages with the renderer the files feature provides, or name and size without one', async () => {
    const el = await view();
    el.channel = makeChannel();
    const file = { fileId: 'f1', name: 'photo <1>.jpg', size: 2048, type: 'image/jpeg', sha256: 's', key: 'k', chunkSize: 1, chunkCount: 1 };
    el.messages = [makeMessage(1, { kind: 'file', text: '', file })];
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[data-testid="message-text"]')!.textContent).to.contain('photo <1>.jpg').and.contain('2.0 KB');
    el.renderFile = (m) => html`<span class="custom-file">${m.file?.name}</span>`;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.custom-file')!.textContent).to.equal('photo <1>.jpg');
  });

  it('forwards an attach control placed in its "attach" slot into the composer', async () => {
    const el = await view();
    el.channel = makeChannel();
    const button = document.createElement('button');
    button.slot = 'attach';
    button.textContent = 'Attach';
    el.append(button);
    await el.updateComplete;
    const composer = el.shadowRoot!.querySelector('md-composer')!;
    await composer.updateComplete;
    const slot = composer.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="attach"]')!;
    expect(slot.assignedElements({ flatten: true })).to.deep.equal([button]);
    expect(button.getBoundingClientRect().width).to.be.greaterThan(0);
  });

  it('disables the composer in a closed chat', async () => {
    const el = await view();
    el.channel = makeChannel({ closed: true });
    await el.updateComplete;
    const composer = el.shadowRoot!.querySelector('md-composer')!;
    await composer.updateComplete;
    expect(composer.disabled).to.equal(true);
    expect(composer.shadowRoot!.querySelector('[data-testid="composer-closed"]')).to.not.equal(null);
  });
});
