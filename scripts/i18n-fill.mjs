// Fills missing <target>s in xliff/<locale>.xlf from a plain dictionary (xliff/<locale>.json: English source →
// translation, placeholders written {0}, {1}, … in source order), so translations can be written as ordinary
// text. Existing targets are kept. Prints the sources still untranslated (exit code 1 if any).
// Usage: node scripts/i18n-fill.mjs de   (then `npx lit-localize build` writes src/locales/de.ts)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const locale = process.argv[2] ?? 'de';
const xlfPath = `xliff/${locale}.xlf`;
const dictPath = `xliff/${locale}.json`;
const dict = existsSync(dictPath) ? JSON.parse(readFileSync(dictPath, 'utf8')) : {};
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The source as dictionary key, and its placeholder elements by number. */
export function canonical(source) {
  const xs = [];
  const key = source
    .split(/(<x id="\d+" equiv-text="[^"]*"\/>)/)
    .map((part, i) => {
      if (i % 2 === 0) return unescape(part);
      xs.push(part);
      return `{${xs.length - 1}}`;
    })
    .join('');
  return { key, xs };
}

let xlf = readFileSync(xlfPath, 'utf8');
const missing = [];
xlf = xlf.replace(/<trans-unit id="([^"]+)">\n(\s*)<source>((?:(?!<\/source>)[\s\S])*)<\/source>\n(?!\s*<target>)/g, (all, id, indent, source) => {
  const { key, xs } = canonical(source);
  const t = dict[key];
  if (typeof t !== 'string') {
    missing.push(key);
    return all;
  }
  const target = t
    .split(/(\{\d+\})/)
    .map((part, i) => (i % 2 === 0 ? escape(part) : xs[Number(part.slice(1, -1))] ?? part))
    .join('');
  return `<trans-unit id="${id}">\n${indent}<source>${source}</source>\n${indent}<target>${target}</target>\n`;
});
writeFileSync(xlfPath, xlf);
for (const m of missing) console.log(`untranslated: ${JSON.stringify(m)}`);
process.exit(missing.length ? 1 : 0);
