// Proves issue 13's language items: every string a component renders goes through msg() (a pseudo-locale walk
// of every screen finds no unmarked wording), the German UI shows no English strings on any screen, German is
// complete, the language follows the browser unless settings override it, and <html lang dir> follow.
import { expect } from '@esm-bundle/chai';
import * as de from '../../src/locales/de.js';
import { applyLocale, directionOf, getLocale, localeFor, pickLocale } from '../../src/ui/i18n.js';
import { formatBytes, formatDay, messageOf } from '../../src/ui/format.js';
import { validateDisplayName, importIdentityBackup } from '../../src/core/identity.js';
import { parseInviteLink } from '../../src/core/invite.js';
import { normaliseRelayList, normaliseRelayUrl } from '../../src/core/relays.js';
import { checkFileSizes } from '../../src/core/files.js';
import { LinkError, LINK_MESSAGES } from '../../src/core/device-link.js';
import { REFUSAL_WORDS } from '../../src/sync/relay-refusals.js';
import { failReasonText, fileErrorText, notificationWords, storedNotificationWords } from '../../src/ui/core-text.js';
import { notificationFor, pushFallbackFor, readNotificationWords } from '../../src/core/notifier.js';
import { BLOB_ERROR_TEXT } from '../../src/core/file-service.js';
import type { MdApp } from '../../src/ui/md-app.js';
import { STEPS, WalkApi, deep, fragments, openApp, openOnboarding, settle, visit, type Fragment } from './screen-walk.js';
import { until } from './fake-api.js';

type Template = (typeof de.templates)[keyof typeof de.templates];

/** Source units of the XLIFF: English text (placeholders as {n}) and the German target. */
async function units(): Promise<{ id: string; source: string; target: string | undefined }[]> {
  const text = await (await fetch('/xliff/de.xlf')).text();
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const flat = (el: Element | null) =>
    el ? [...el.childNodes].map((n) => (n.nodeType === Node.ELEMENT_NODE ? `{${(n as Element).getAttribute('id')}}` : n.textContent)).join('') : undefined;
  return [...doc.querySelectorAll('trans-unit')].map((u) => ({ id: u.getAttribute('id')!, source: flat(u.querySelector('source'))!, target: flat(u.querySelector('target')) }));
}

const OPEN = '⟦';
const CLOSE = '⟧';

/** Wraps a translation in markers, whatever its form (plain, str`` or html``). */
function mark(t: Template): Template {
  if (typeof t === 'string') return `${OPEN}${t}${CLOSE}`;
  const strings = [...t.strings];
  strings[0] = OPEN + strings[0];
  strings[strings.length - 1] = strings[strings.length - 1] + CLOSE;
  if ('strTag' in t) return { ...t, strings } as unknown as Template;
  // An html`` result must keep a template-strings array (lit refuses plain arrays).
  return { ...t, strings: Object.assign(strings, { raw: strings }) } as unknown as Template;
}

/** The words Intl.ListFormat joins names with in German ("und"): Intl output, not UI wording. */
const LIST_WORDS = new Intl.ListFormat('de', { style: 'long', type: 'conjunction' }).format(['\u0001', '\u0002', '\u0003']).replace(/[\u0001-\u0003]/g, ' ');

/** Words left in a fragment once translations, data (Greek fixture text, URLs, sizes, digits) and the brand are removed. */
function unmarked(f: Fragment): string {
  let s = f.text;
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/⟦[^⟦⟧]*⟧/g, ' ');
  }
  // An html`` translation spans several text nodes: its marker opens in the first and closes in the last.
  s = s.replace(/⟦.*$/, ' ').replace(/^.*⟧/, ' ');
  s = s
    .replace(/\b[a-z]+:\/\/\S+/gi, ' ')
    .replace(/\d[\d.,\s]*(B|KB|MB)\b/g, ' ')
    .replace(/\.[A-Za-z0-9]{1,5}\b/g, ' ') // file name extensions
    .replace(/\bMeshdrop\b/g, ' ');
  for (const w of LIST_WORDS.split(/[\s,]+/).filter(Boolean)) s = s.replace(new RegExp(`(^|\\s)${w}(?=\\s|$)`, 'g'), ' ');
  return /[A-Za-z]{2,}/.test(s) ? s.trim() : '';
}

async function walkAll(collect: (screen: string, fs: Fragment[]) => void, language: string): Promise<void> {
  const app: MdApp = await openApp(new WalkApi(language), STEPS[0]!.hash);
  try {
    for (const step of STEPS) {
      await visit(app, step);
      collect(step.name, fragments(document.body));
    }
  } finally {
    app.remove();
  }
  const onboarding = await openOnboarding(language);
  try {
    collect('onboarding', fragments(document.body));
  } finally {
    onboarding.remove();
  }
}

describe('languages', () => {
  afterEach(async () => {
    document.body.replaceChildren();
    history.replaceState(null, '', location.pathname + location.search);
  });

  it('German is complete: every source string in xliff/de.xlf has a translation, and the built module has them all', async () => {
    const all = await units();
    expect(all.length).to.be.greaterThan(200);
    expect(all.filter((u) => !u.target?.trim()).map((u) => u.source)).to.deep.equal([]);
    expect(Object.keys(de.templates).sort()).to.deep.equal(all.map((u) => u.id).sort());
  });

  it('the language follows the browser unless settings choose one; <html lang dir> follow; dates and numbers use Intl', async () => {
    expect(pickLocale(['de-AT', 'en'])).to.equal('de');
    expect(pickLocale(['fr-FR', 'en-GB'])).to.equal('en');
    expect(pickLocale(['fr'])).to.equal('en');
    expect(localeFor('', ['de-DE'])).to.equal('de');
    expect(localeFor('en', ['de-DE'])).to.equal('en');
    expect(localeFor('xx', ['de-DE']), 'an override the app does not ship falls back to the browser').to.equal('de');
    expect(directionOf('ar')).to.equal('rtl');
    expect(directionOf('de')).to.equal('ltr');

    const api = new WalkApi('');
    const app = await openApp(api, '#/settings');
    await until(() => !!deep(app, '[data-testid="language"]'), 'language picker');
    expect(getLocale(), 'headless Chromium runs with en-US').to.equal('en');
    expect(document.documentElement.lang).to.equal('en');
    const select = deep(app, '[data-testid="language"]') as HTMLSelectElement;
    select.value = 'de';
    select.dispatchEvent(new Event('change'));
    await until(() => api.preferences.language === 'de', 'preference stored');
    await until(() => getLocale() === 'de' && document.documentElement.lang === 'de', 'German applied');
    expect(document.documentElement.dir).to.equal('ltr');
    await until(() => deep(app, '#settings-heading')?.textContent === 'Einstellungen', 'settings re-rendered in German');
    expect(formatBytes(1536)).to.equal('1,5 KB');
    expect(formatDay(Date.now())).to.equal('Heute');
    select.value = '';
    select.dispatchEvent(new Event('change'));
    await until(() => getLocale() === 'en' && document.documentElement.lang === 'en', 'back to the browser language');
    expect(formatBytes(1536)).to.equal('1.5 KB');
  });

  it("the controller's errors and refusals reach the German UI in German (its real messages, recognised by form or code)", async () => {
    await applyLocale('de');
    const thrown = async (f: () => unknown): Promise<unknown> => {
      try {
        await f();
      } catch (err) {
        return err;
      }
      throw new Error('did not throw');
    };
    const errors = [
      await thrown(() => validateDisplayName('')),
      await thrown(() => validateDisplayName('x'.repeat(500))),
      await thrown(() => importIdentityBackup('not json', 'passphrase')),
      await thrown(() => parseInviteLink('hello')),
      await thrown(() => normaliseRelayUrl('')),
      await thrown(() => normaliseRelayUrl('ftp://x')),
      await thrown(() => normaliseRelayList([])),
      await thrown(() => checkFileSizes([{ name: 'α', size: 10 }], 5)),
      await thrown(() => checkFileSizes([{ name: 'α', size: 10 }, { name: 'β', size: 10 }], 5)),
      new LinkError('expired', LINK_MESSAGES.expired),
    ];
    for (const err of errors) {
      const english = (err as Error).message;
      const shown = messageOf(err);
      expect(shown, english).to.not.equal(english);
      expect(shown, english).to.not.match(/\b(the|is|are|not|be|at|a|of)\b/);
    }
    for (const words of Object.values(REFUSAL_WORDS)) expect(failReasonText(words)).to.not.equal(words);
    for (const words of Object.values(BLOB_ERROR_TEXT)) expect(fileErrorText(words), words).to.not.equal(words);
    const api = new WalkApi('de');
    const incoming = api.messages.get('c1')![0]!;
    const ctx = { permission: 'granted' as const, openChatId: '', focused: false, hidePreviews: true, since: 0, words: notificationWords };
    expect(notificationFor(incoming, api.channels[0], ctx)?.options.body).to.equal('Βασίλης hat eine Nachricht gesendet');
    // The same words as the page stores them for the service worker (push while no page is open).
    const stored = readNotificationWords(storedNotificationWords());
    expect(notificationFor(incoming, api.channels[0], { ...ctx, words: stored.notify })?.options.body).to.equal('Βασίλης hat eine Nachricht gesendet');
    const fallback = pushFallbackFor('c1', 'Βασίλης', stored.push);
    expect([fallback.title, fallback.options.body]).to.deep.equal(['Neue Nachricht in Βασίλης', 'Öffne Meshdrop, um sie zu lesen.']);
    await applyLocale('en');
    expect(pushFallbackFor('c1', 'Ann', readNotificationWords(storedNotificationWords()).push).title).to.equal('New message in Ann');
    expect(notificationFor(incoming, api.channels[0], ctx)?.options.body).to.equal('Βασίλης sent a message');
    for (const err of errors) expect(messageOf(err)).to.equal((err as Error).message);
  });

  it('the layout mirrors under dir=rtl (logical CSS): my messages sit at the inline end, the list pane at the start', async () => {
    document.documentElement.dir = 'rtl';
    try {
      const app = await openApp(new WalkApi('en'), '#/chat/c1');
      await until(() => !!deep(app, 'li.mine .bubble') && !!deep(app, 'li.theirs .bubble'), 'messages');
      await settle(app);
      const mine = deep(app, 'li.mine .bubble')!.getBoundingClientRect();
      const theirs = deep(app, 'li.theirs .bubble')!.getBoundingClientRect();
      const list = deep(app, '.list')!.getBoundingClientRect();
      const detail = deep(app, '.detail')!.getBoundingClientRect();
      expect(mine.left, 'mine on the left in RTL').to.be.lessThan(theirs.left);
      expect(list.left, 'chat list on the right in RTL').to.be.greaterThan(detail.left);
    } finally {
      document.documentElement.dir = 'ltr';
    }
  });

  it('every screen renders only localised wording (pseudo-locale walk of every route, onboarding and prompts)', async () => {
    const original = { ...de.templates };
    const templates = de.templates as Record<string, Template>;
    for (const id of Object.keys(templates)) templates[id] = mark(templates[id]!);
    try {
      await applyLocale('de');
      const problems: string[] = [];
      const seen = new Set<string>();
      await walkAll((screen, fs) => {
        seen.add(screen);
        for (const f of fs) {
          const left = unmarked(f);
          if (left) problems.push(`${screen}: ${f.where}: ${JSON.stringify(f.text)}`);
        }
      }, 'de');
      expect(seen.size).to.equal(STEPS.length + 1);
      expect([...new Set(problems)], 'text not passed through msg()').to.deep.equal([]);
    } finally {
      Object.assign(templates, original);
    }
  });

  it('the German UI shows no English strings on any screen', async () => {
    await applyLocale('de');
    // English wording whose German differs, cut at placeholders; whole words only, so "Name" in both is fine.
    const english = (await units())
      .filter((u) => u.target !== u.source)
      .flatMap((u) => u.source.split(/\{\d+\}/).map((p) => p.trim()))
      .filter((p) => /[A-Za-z]{3,}/.test(p) && !/^[\W\d]*$/.test(p));
    const germanTexts = (await units()).map((u) => u.target ?? '');
    const leaks = english.filter((p) => !germanTexts.some((t) => t.includes(p)));
    const found: string[] = [];
    let screens = 0;
    await walkAll((screen, fs) => {
      screens++;
      for (const f of fs) {
        for (const p of leaks) {
          const re = new RegExp(`(^|[^A-Za-z])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z])`);
          if (re.test(f.text)) found.push(`${screen}: ${f.where}: ${JSON.stringify(f.text)} contains ${JSON.stringify(p)}`);
        }
      }
    }, 'de');
    expect(screens).to.equal(STEPS.length + 1);
    expect(document.documentElement.lang).to.equal('de');
    expect([...new Set(found)]).to.deep.equal([]);
    await settle(document.body);
  });
});
