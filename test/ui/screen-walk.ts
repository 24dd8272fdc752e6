// Shared by the language and accessibility tests: a controller stand-in whose data is written in Greek (so any
// Latin-letter word on screen comes from the UI, not from the data), the list of screens of src/ui/router.ts
// (plus onboarding and the shell's prompts), and a walker that reads every text a user or screen reader gets.
import type { ChannelSummary, ContactView, MessageView } from '../../src/core/api.js';
import type { PushStatus } from '../../src/core/push-service.js';
import type { DeviceApi, NotifyPermission, PersistState } from '../../src/core/device.js';
import { DEFAULT_PREFERENCES, type Preferences } from '../../src/core/preferences.js';
import type { FileRecord } from '../../src/store/schema.js';
import { MdApp } from '../../src/ui/md-app.js';
import { FakeApi, until } from './fake-api.js';

export const MY_PUB = '0123456789';
const T0 = Date.UTC(2026, 10, 20, 9, 30);

function message(i: number, over: Partial<MessageView>): MessageView {
  return {
    id: `${(T0 + i * 60_000).toString(36).padStart(9, '0')}${i.toString(16).padStart(12, '0')}`,
    channelId: 'c1',
    author: 'p1',
    sentAt: T0 + i * 3_600_000,
    kind: 'text',
    text: 'γεια σου',
    status: 'received',
    receivedAt: T0 + i * 3_600_000,
    mine: false,
    authorName: 'Βασίλης',
    ...over,
  };
}

/** Messages of every kind and state the chat view shows. */
export function walkMessages(channelId: string): MessageView[] {
  const file = (fileId: string, name: string, type: string) => ({ fileId, name, size: 123_456, type, sha256: '00', key: 'κλειδί', chunkSize: 65_536, chunkCount: 2 });
  return [
    message(1, { channelId }),
    message(2, { channelId, author: MY_PUB, mine: true, authorName: 'Μαρία', status: 'delivered', text: 'καλά, εσύ;' }),
    message(3, { channelId, author: MY_PUB, mine: true, authorName: 'Μαρία', status: 'sent', text: 'https://127.0.0.1/σελίδα' }),
    message(4, { channelId, author: MY_PUB, mine: true, authorName: 'Μαρία', status: 'pending', text: 'περιμένει' }),
    message(5, { channelId, author: MY_PUB, mine: true, authorName: 'Μαρία', status: 'failed', text: 'απέτυχε' }),
    message(30, { channelId, kind: 'file', text: '', file: file('f1', 'φωτογραφία.png', 'image/png') }),
    message(31, { channelId, kind: 'file', text: '', file: file('f2', 'έγγραφο.pdf', 'application/pdf') }),
    message(32, { channelId, kind: 'file', text: '', file: file('f3', 'χαλασμένο.bin', 'application/octet-stream') }),
    message(33, { channelId, author: MY_PUB, mine: true, authorName: 'Μαρία', status: 'delivered', kind: 'file', text: '', file: file('f4', 'στέλνεται.txt', 'text/plain') }),
    // Replies (original here, deleted, not on this device), reactions, an edit, deletions, seen receipts, a refusal.
    message(40, { channelId, replyTo: 'x1', quote: { id: 'x1', authorName: 'Βασίλης', text: 'γεια σου', state: 'ok' }, reactionSummary: [
      { emoji: '👍', count: 2, names: ['Βασίλης', 'You'], mine: true },
      { emoji: '❤️', count: 1, names: ['Γιώργος'], mine: false },
    ] }),
    message(41, { channelId, author: MY_PUB, mine: true, authorName: 'Μαρία', status: 'delivered', quote: { id: 'x2', authorName: 'Βασίλης', text: '', state: 'deleted' }, seenBy: ['Βασίλης', 'Γιώργος'] }),
    message(42, { channelId, quote: { id: 'x3', authorName: '', text: '', state: 'missing' }, edited: { at: T0, seq: 1 } as never }),
    message(43, { channelId, deleted: true, text: '' }),
    message(44, { channelId, author: MY_PUB, mine: true, authorName: 'Μαρία', status: 'failed', text: 'όριο', failReason: 'Your daily quota on this relay is used up. It resets at midnight UTC; another relay may take it now.' }),
    ...[
      'You created the group “Ομάδα”.',
      'You added Βασίλης, Γιώργος.',
      'You removed Δήμητρα.',
      'You removed a member.',
      'You left the group.',
      'Βασίλης added you to “Ομάδα”.',
      'Γιώργος joined; Δήμητρα left or were removed.',
      'Γιώργος joined.',
      'Δήμητρα left or were removed.',
      'You were removed from this group.',
      'Βασίλης (the admin) left. The group is closed.',
      'Γιώργος left the group.',
      'Βασίλης accepted your invite. You are now connected.',
      'Γιώργος received your request. You are now connected.',
    ].map((text, i) => message(50 + i, { channelId, kind: 'system', author: '', text, authorName: '' })),
    message(45, { channelId, author: MY_PUB, mine: true, authorName: 'Μαρία', status: 'failed', text: 'άλλο', failReason: 'The relay refused this: κάτι' }),
  ];
}

/** The controller stand-in with a little of everything: a direct chat, an admin's group, a closed group, a share. */
export class WalkApi extends FakeApi {
  preferences: Preferences = { ...DEFAULT_PREFERENCES };
  constructor(language = '') {
    super();
    this.preferences.language = language;
    this.identity = { pair: { pub: MY_PUB, priv: 'x', epub: 'e', epriv: 'y' }, name: 'Μαρία', createdAt: 1 };
    const safety = '12345 67890 '.repeat(6).trim();
    this.contacts = [
      { pub: 'p1', name: 'Βασίλης', safetyNumber: safety, channelId: 'c1', verified: false },
      { pub: 'p2', name: 'Γιώργος', safetyNumber: safety, channelId: 'c2', verified: true },
      { pub: 'p3', name: 'Δήμητρα', safetyNumber: safety, channelId: 'c3', verified: false },
    ] satisfies ContactView[];
    const base = { admin: '', isAdmin: false, unread: 0, lastMessageAt: T0 + 86_400_000 * 3, lastMessagePreview: 'γεια', closed: false };
    this.channels = [
      { ...base, id: 'c1', kind: 'direct', title: 'Βασίλης', members: [{ pub: 'p1', name: 'Βασίλης' }], unread: 2 },
      { ...base, id: 'c2', kind: 'direct', title: 'Γιώργος', members: [{ pub: 'p2', name: 'Γιώργος' }], lastMessagePreview: '', lastMessageAt: 0 },
      { ...base, id: 'c3', kind: 'direct', title: 'Δήμητρα', members: [{ pub: 'p3', name: 'Δήμητρα' }], lastMessagePreview: 'Message deleted' },
      { ...base, id: 'g3', kind: 'group', title: 'Νέα', members: [{ pub: 'p3', name: 'Δήμητρα' }], admin: MY_PUB, isAdmin: true, lastMessagePreview: 'You created the group “Νέα”.' },
      { ...base, id: 'g1', kind: 'group', title: 'Ομάδα', members: [{ pub: 'p1', name: 'Βασίλης' }, { pub: 'p2', name: 'Γιώργος' }], admin: MY_PUB, isAdmin: true, lastMessagePreview: '', unread: 120 },
      { ...base, id: 'g2', kind: 'group', title: 'Παλιά ομάδα', members: [{ pub: 'p1', name: 'Βασίλης' }], admin: 'p1', closed: true },
    ] satisfies ChannelSummary[];
    this.messages.set('c1', walkMessages('c1'));
    this.messages.set('g1', walkMessages('g1'));
    const found = walkMessages('c1');
    this.searchResults = [
      { channelId: 'c1', channelTitle: 'Βασίλης', message: found[0]!, before: '', match: 'γεια', after: ' σου' },
      { channelId: 'c1', channelTitle: 'Βασίλης', message: found[1]!, before: 'καλά', match: ',', after: ' εσύ;' },
    ];
  }
  override async searchMessages(query: string) {
    return query === 'γεια' ? this.searchResults : [];
  }
  async setPreferences(patch: Partial<Preferences>) {
    this.preferences = { ...this.preferences, ...patch };
    this.dispatchEvent(new Event('change'));
  }
  override async setMaxFileBytes() {}
  /** Push turned on: one relay registered, one refusing for a different key, and a last failure to show. */
  readonly push = Object.assign(new EventTarget(), {
    status: (): PushStatus => ({
      supported: true,
      permission: 'granted',
      enabled: true,
      busy: false,
      relays: [
        { relay: 'http://127.0.0.1:1/gun', registered: true, error: '', detail: '' },
        { relay: 'http://127.0.0.2:1/gun', registered: false, error: 'other-key', detail: 'κλειδί' },
      ],
      error: 'relay-refused',
      souls: 3,
    }),
    enable: async () => this.push.status(),
    disable: async () => this.push.status(),
  });
  override async getFile(fileId = ''): Promise<FileRecord | undefined> {
    const common = { fileId, messageId: 'm', channelId: 'c1', name: 'x', type: 'text/plain', size: 123_456, sha256: '00', key: 'κ', chunkSize: 65_536, chunkCount: 2, createdAt: T0 };
    const states: Record<string, Partial<FileRecord>> = {
      f1: { status: 'complete', blob: new Blob([new Uint8Array(10)], { type: 'image/png' }), type: 'image/png', doneChunks: 2 },
      f2: { status: 'downloading', doneChunks: 1 },
      f3: { status: 'failed', doneChunks: 0, error: '' },
      f4: { status: 'uploading', doneChunks: 1 },
    };
    return { ...common, ...states[fileId] } as unknown as FileRecord;
  }
  // @ts-expect-error FakeApi declares no shares (never[]); this stand-in has one.
  override async pendingShares() {
    return [{ id: 'abcdef0123', files: [{ name: 'αρχείο.txt', type: 'text/plain', size: 2048 }] }];
  }
}

/** A browser that asks about notifications and refused durable storage (so the shell's prompts show). */
export class WalkDevice implements DeviceApi {
  permission: NotifyPermission = 'default';
  persist: PersistState = 'refused';
  notificationPermission() {
    return this.permission;
  }
  async requestNotifications() {
    return this.permission;
  }
  async persistStorage() {
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

/** Every lit element under `root`, through shadow roots. */
function* elements(root: Node): Generator<Element> {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n as Element;
    yield el;
    if (el.shadowRoot) yield* elements(el.shadowRoot);
  }
}

/** Waits until every element under `root` (through shadow roots) has finished updating, twice in a row. */
export async function settle(root: Node): Promise<void> {
  for (let round = 0; round < 2; round++) {
    let pending = true;
    while (pending) {
      pending = false;
      for (const el of elements(root)) {
        const u = el as unknown as { isUpdatePending?: boolean; updateComplete?: Promise<unknown> };
        if (u.isUpdatePending) {
          pending = true;
          await u.updateComplete;
        }
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One piece of text a user or screen reader meets, and where. */
export interface Fragment {
  text: string;
  where: string;
}

const ATTRS = ['aria-label', 'placeholder', 'title', 'alt', 'aria-valuetext', 'aria-roledescription', 'aria-description'];
/** Content that is data or machine output, not UI wording: code, times (Intl output), and text in another language. */
const SKIP = new Set(['STYLE', 'SCRIPT', 'TIME', 'CODE', 'TEXTAREA']);

function describe(el: Element): string {
  const host = (el.getRootNode() as ShadowRoot).host;
  const id = el.id ? `#${el.id}` : '';
  const test = el.getAttribute('data-testid') ? `[data-testid=${el.getAttribute('data-testid')}]` : '';
  return `${host ? `${host.localName} > ` : ''}${el.localName}${id}${test}`;
}

/** Every visible-or-spoken text under `root` (text nodes and labelling attributes), through shadow roots. */
export function fragments(root: Node): Fragment[] {
  const out: Fragment[] = [];
  for (const el of elements(root)) {
    if (SKIP.has(el.tagName) || el.closest('[lang]:not(html)')) continue;
    for (const a of ATTRS) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push({ text: v.trim(), where: `${describe(el)} @${a}` });
    }
    for (const n of el.childNodes) {
      if (n.nodeType === Node.TEXT_NODE && n.textContent!.trim()) out.push({ text: n.textContent!.replace(/\s+/g, ' ').trim(), where: describe(el) });
    }
  }
  return out;
}

/** A screen to visit: its address and what shows it has rendered its content. */
export interface WalkStep {
  name: string;
  hash: string;
  ready: (app: MdApp) => boolean;
  /** Runs after the screen is ready, to open parts that need a click (confirm dialogs, details). */
  open?: (app: MdApp) => Promise<void>;
}

/**
 * The element under `app` (through shadow roots) matching `selector`, if any; `host >> selector` looks only in
 * the shadow root of a `host` element (CSS descendant selectors do not cross shadow roots).
 */
export function deep(app: Element, selector: string): Element | undefined {
  const [host, inner] = selector.includes(' >> ') ? selector.split(' >> ') : [undefined, selector];
  for (const el of elements(app.shadowRoot!)) {
    if (host === undefined ? el.matches(inner!) : el.matches(host) && el.shadowRoot) {
      if (host === undefined) return el;
      const found = el.shadowRoot!.querySelector(inner!);
      if (found) return found;
    }
  }
  return undefined;
}

/** The screens of src/ui/router.ts, each with the state that shows the most of its wording. */
export const STEPS: WalkStep[] = [
  { name: 'chats', hash: '#/chats', ready: (a) => !!deep(a, '[data-testid="chat-item"]') && !!deep(a, 'md-notify-prompt') },
  {
    name: 'chat with messages',
    hash: '#/chat/c1',
    ready: (a) => !!deep(a, '[data-testid="file-progress"]') && !!deep(a, '[data-testid="file-preview"]') && !!deep(a, '[data-testid="quote"]'),
    open: async (a) => {
      // The action menu of a message of mine, with the "other emoji" field open.
      const toggles = [...elementsOf(a, '[data-testid="message-actions"]')] as HTMLButtonElement[];
      toggles[toggles.length - 1]!.click();
      await until(() => !!deep(a, 'md-message-actions >> [data-action="other-emoji"]'), 'action menu');
      (deep(a, 'md-message-actions >> [data-action="other-emoji"]') as HTMLButtonElement).click();
      await until(() => !!deep(a, 'md-message-actions >> #emoji'), 'emoji field');
    },
  },
  {
    name: 'search',
    hash: '#/chats',
    ready: (a) => !!deep(a, '[data-testid="search-input"]'),
    open: async (a) => {
      const input = deep(a, '[data-testid="search-input"]') as HTMLInputElement;
      input.value = 'γεια';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await until(() => !!deep(a, '[data-testid="search-result"]'), 'search results');
    },
  },
  {
    name: 'search without results',
    hash: '#/chats',
    ready: (a) => !!deep(a, '[data-testid="search-input"]'),
    open: async (a) => {
      const input = deep(a, '[data-testid="search-input"]') as HTMLInputElement;
      input.value = 'τίποτα';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await until(() => !!deep(a, '[data-testid="search-status"]'), 'no results');
    },
  },
  { name: 'group chat', hash: '#/chat/g1', ready: (a) => !!deep(a, '[data-testid="message-author"]') },
  { name: 'closed group chat', hash: '#/chat/g2', ready: (a) => !!deep(a, '[data-testid="composer-closed"]') },
  {
    name: 'contacts',
    hash: '#/contacts',
    ready: (a) => !!deep(a, '[data-testid="contact"]'),
    open: async (a) => {
      for (const d of [...elementsOf(a, 'details')]) (d as HTMLDetailsElement).open = true;
      (deep(a, 'md-contacts') as HTMLElement & { inviteLink: string }).inviteLink = 'http://127.0.0.1:1/#invite=κ';
    },
  },
  {
    name: 'contacts: scanning a QR code',
    hash: '#/contacts/scan',
    // Headless Chromium here has no camera: the scanner says so (or says it is starting, if one appears).
    ready: (a) => !!deep(a, 'md-qr-scanner >> [data-testid="camera-error"]') || !!deep(a, 'md-qr-scanner >> [data-testid="scanner-state"]'),
  },
  { name: 'new group', hash: '#/new-group', ready: (a) => !!deep(a, '[data-testid="member-choice"]') },
  {
    name: 'group info',
    hash: '#/group/g1',
    ready: (a) => !!deep(a, '[data-testid="group-member"]'),
    open: async (a) => {
      (deep(a, 'md-group-info >> li button.secondary[aria-label]') as HTMLButtonElement | undefined)?.click();
    },
  },
  { name: 'closed group info', hash: '#/group/g2', ready: (a) => !!deep(a, 'md-group-info >> h2') },
  { name: 'direct chat info', hash: '#/group/c1', ready: (a) => !!deep(a, '[data-testid="mute-chat"]') },
  {
    name: 'settings',
    hash: '#/settings',
    ready: (a) =>
      !!deep(a, '[data-testid="storage-persist"]') && !!deep(a, 'md-devices') && !!deep(a, '[data-testid="language"]') && !!deep(a, '[data-testid="push-relay"]'),
    open: async (a) => {
      for (const d of [...elementsOf(a, 'details')]) (d as HTMLDetailsElement).open = true;
    },
  },
  { name: 'share', hash: '#/share/abcdef0123', ready: (a) => !!deep(a, '[data-testid="share-files"]') },
  { name: 'missing share', hash: '#/share/fedcba9876', ready: (a) => !!deep(a, 'md-share-picker >> p[role="status"]') },
  { name: 'missing chat', hash: '#/chat/nowhere', ready: (a) => !!deep(a, 'md-chat-screen >> p.placeholder') },
  { name: 'not found', hash: '#/no/such/screen', ready: (a) => !!deep(a, '[data-testid="not-found"]') },
];

function* elementsOf(app: Element, selector: string): Generator<Element> {
  for (const el of elements(app.shadowRoot!)) if (el.matches(selector)) yield el;
}

/** Mounts the shell (with the update prompt and storage warning showing) at `hash`. */
export async function openApp(api: WalkApi, hash: string, device: DeviceApi = new WalkDevice()): Promise<MdApp> {
  history.replaceState(null, '', hash);
  const el = new MdApp();
  el.device = device;
  el.app = api;
  el.updateReady = true;
  document.body.append(el);
  await el.updateComplete;
  return el;
}

/** Goes to a step's screen in a mounted shell and waits for it. */
export async function visit(app: MdApp, step: WalkStep): Promise<void> {
  if (location.hash !== step.hash) {
    location.hash = step.hash;
    await new Promise((r) => setTimeout(r, 0));
  }
  await until(() => step.ready(app), `screen "${step.name}"`, 8000);
  await step.open?.(app);
  await settle(app);
}

/** The onboarding screen: a shell whose controller has no identity yet (with an invite link waiting). */
export async function openOnboarding(language: string): Promise<MdApp> {
  const api = new WalkApi(language);
  api.identity = undefined;
  const app = await openApp(api, '#/chats');
  location.hash = '#invite=κ';
  await until(() => !!deep(app, 'md-device-join') && !!deep(app, 'md-backup-import'), 'onboarding');
  await settle(app);
  return app;
}
