import { expect } from '@esm-bundle/chai';
import type { ChannelSummary, MessageView } from '../../src/core/api.js';
import type { DeviceApi, NotifyPermission } from '../../src/core/device.js';
import { Notifier, chatUrl, notificationFor, notificationTag, pushFallbackFor, readNotificationWords, type NotifyContext } from '../../src/core/notifier.js';

const NOW = 1_700_000_100_000;

function msg(over: Partial<MessageView> = {}): MessageView {
  return {
    id: 'm1',
    channelId: 'c1',
    author: 'pub-bob',
    sentAt: NOW,
    receivedAt: NOW,
    kind: 'text',
    text: 'see you at 8',
    status: 'received',
    mine: false,
    authorName: 'Bob',
    ...over,
  } as MessageView;
}

function chan(over: Partial<ChannelSummary> = {}): ChannelSummary {
  return { id: 'c1', kind: 'group', title: 'Climbing', members: [], admin: '', isAdmin: false, unread: 1, lastMessageAt: NOW, lastMessagePreview: '', closed: false, ...over };
}

const ctx = (over: Partial<NotifyContext> = {}): NotifyContext => ({ permission: 'granted', openChatId: '', focused: false, hidePreviews: false, since: NOW - 1000, ...over });

describe('notifier: which message notifies', () => {
  it('a message from someone else in a background window: chat title, sender and preview, one tag per chat', () => {
    const plan = notificationFor(msg(), chan(), ctx());
    expect(plan?.title).to.equal('Climbing');
    expect(plan?.options.body).to.equal('Bob: see you at 8');
    expect(plan?.options.tag).to.equal(notificationTag('c1'));
    expect(plan?.options.renotify).to.equal(true);
    expect(plan?.options.data).to.deep.equal({ channelId: 'c1', url: chatUrl('c1') });
    expect(chatUrl('c1')).to.equal('/#/chat/c1');
  });

  it('files say so; hidden previews show only who wrote', () => {
    expect(notificationFor(msg({ kind: 'file', text: '', file: { name: 'plan.pdf' } as MessageView['file'] }), chan(), ctx())?.options.body).to.equal('Bob: 📎 plan.pdf');
    expect(notificationFor(msg(), chan(), ctx({ hidePreviews: true }))?.options.body).to.equal('Bob sent a message');
  });

  it('the same chat open in another, unfocused window still notifies; open in the focused window does not', () => {
    expect(notificationFor(msg(), chan(), ctx({ openChatId: 'c1', focused: false }))).to.not.equal(null);
    expect(notificationFor(msg(), chan(), ctx({ openChatId: 'c1', focused: true }))).to.equal(null);
    expect(notificationFor(msg(), chan(), ctx({ openChatId: 'other', focused: true }))).to.not.equal(null);
  });

  it('never for own messages, system lines, status updates, history, muted, closed or unknown chats, or without permission', () => {
    expect(notificationFor(msg({ mine: true }), chan(), ctx())).to.equal(null);
    expect(notificationFor(msg({ kind: 'system' }), chan(), ctx())).to.equal(null);
    expect(notificationFor(msg({ status: 'delivered' }), chan(), ctx())).to.equal(null);
    expect(notificationFor(msg({ receivedAt: NOW - 5000 }), chan(), ctx())).to.equal(null);
    expect(notificationFor(msg(), chan({ muted: true }), ctx())).to.equal(null);
    expect(notificationFor(msg(), chan({ closed: true }), ctx())).to.equal(null);
    expect(notificationFor(msg(), undefined, ctx())).to.equal(null);
    for (const permission of ['default', 'denied', 'unsupported'] as NotifyPermission[]) expect(notificationFor(msg(), chan(), ctx({ permission }))).to.equal(null);
  });
});

class FakeDevice implements DeviceApi {
  shown: { title: string; options: NotificationOptions }[] = [];
  badges: number[] = [];
  permission: NotifyPermission = 'granted';
  notificationPermission() {
    return this.permission;
  }
  async requestNotifications() {
    return this.permission;
  }
  async persistStorage() {
    return 'persisted' as const;
  }
  async storagePersisted() {
    return 'persisted' as const;
  }
  async storageUse() {
    return undefined;
  }
  async setBadge(n: number) {
    this.badges.push(n);
  }
  async showNotification(title: string, options: NotificationOptions) {
    this.shown.push({ title, options });
  }
}

class Source extends EventTarget {
  identity = {};
  channels = [chan({ unread: 2 }), chan({ id: 'c2', unread: 3, muted: true })];
  preferences = { hidePreviews: false };
  async getChannel(id: string) {
    return this.channels.find((c) => c.id === id);
  }
  async unreadTotal() {
    return this.channels.reduce((n, c) => n + c.unread, 0);
  }
  emit(channelId: string, messages: MessageView[]) {
    this.dispatchEvent(new CustomEvent('messages', { detail: { channelId, messages } }));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('Notifier', () => {
  it('shows each new message once, and keeps the badge at the total unread', async () => {
    const source = new Source();
    const device = new FakeDevice();
    const n = new Notifier(source, device, { openChatId: () => '', focused: () => false });
    n.start();
    await settle();
    expect(device.badges.at(-1)).to.equal(5);
    const fresh = msg({ receivedAt: Date.now() + 1000 });
    source.emit('c1', [fresh]);
    source.emit('c1', [fresh]); // the same message again (e.g. a re-emitted update)
    source.emit('c2', [msg({ id: 'm2', channelId: 'c2', receivedAt: Date.now() + 1000 })]); // muted chat
    await settle();
    expect(device.shown.map((s) => s.title)).to.deep.equal(['Climbing']);
    source.channels = [chan({ unread: 0 }), chan({ id: 'c2', unread: 0 })];
    source.dispatchEvent(new Event('channels'));
    await settle();
    expect(device.badges.at(-1)).to.equal(0);
    n.stop();
  });
});

describe('push fallback', () => {
  it('says which chat has news, without text, with the chat tag and address', () => {
    const plan = pushFallbackFor('c1', 'Ann');
    expect(plan.title).to.equal('New message in Ann');
    expect(plan.options.body).to.equal('Open Meshdrop to read it.');
    expect(plan.options.tag).to.equal(notificationTag('c1'));
    expect(plan.options.renotify).to.equal(true);
    expect(plan.options.data).to.deep.equal({ channelId: 'c1', url: chatUrl('c1') });
  });

  it("uses the words the page stored in its language, names taken literally; anything malformed is English", () => {
    const de = readNotificationWords({ newMessageIn: 'Neue Nachricht in {chat}', openToRead: 'Öffne Meshdrop.', sentFile: '{author} hat eine Datei gesendet', sentMessage: '{author} hat geschrieben' });
    const plan = pushFallbackFor('c1', 'Ann $& {author}', de.push);
    expect([plan.title, plan.options.body]).to.deep.equal(['Neue Nachricht in Ann $& {author}', 'Öffne Meshdrop.']);
    expect(de.notify.sentMessage('Bob $1')).to.equal('Bob $1 hat geschrieben');
    expect(de.notify.sentFile('Bob')).to.equal('Bob hat eine Datei gesendet');
    const english = { title: 'New message in Ann', body: 'Open Meshdrop to read it.', file: 'Bob sent a file', message: 'Bob sent a message' };
    for (const stored of [
      undefined,
      null,
      'Neue Nachricht',
      {},
      { newMessageIn: 'Neue Nachricht', openToRead: ' ', sentFile: 'Datei', sentMessage: 42 },
      { newMessageIn: '{chat} {chat}', openToRead: 'x'.repeat(201), sentFile: '{author}{author}', sentMessage: '{chat} schrieb' },
    ]) {
      const w = readNotificationWords(stored);
      const p = pushFallbackFor('c1', 'Ann', w.push);
      expect({ title: p.title, body: p.options.body, file: w.notify.sentFile('Bob'), message: w.notify.sentMessage('Bob') }, JSON.stringify(stored)).to.deep.equal(english);
    }
  });
});
