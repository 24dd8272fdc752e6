// The UI language: which locales ship, which one this device shows (the browser's languages unless settings
// override them), and the document attributes that follow it. Strings themselves are `msg()` calls in the
// components (@lit/localize, runtime mode); translations live in xliff/*.xlf and are built into src/locales/.
import { configureLocalization } from '@lit/localize';
import { sourceLocale, targetLocales } from '../locales/locale-codes.js';
import * as de from '../locales/de.js';

/** Every locale the app ships, source first. */
export const LOCALES: readonly string[] = [sourceLocale, ...targetLocales];

/** Each locale's name in its own language, for the settings picker (never translated: a reader finds their own). */
export const LOCALE_NAMES: Record<string, string> = { en: 'English', de: 'Deutsch' };

/** Locales written right to left (the document's `dir` follows). */
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

// Translations are bundled, not fetched: the app works offline from the first start and they are small.
const modules: Record<string, typeof de> = { de };

const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: async (locale) => modules[locale]!,
});

/** The active locale code (e.g. 'en', 'de'). */
export { getLocale };

/** The shipped locale that best matches a list of preferred languages (BCP 47 tags, best first). */
export function pickLocale(preferred: readonly string[]): string {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (LOCALES.includes(lower)) return lower;
    const base = lower.split('-')[0]!;
    if (LOCALES.includes(base)) return base;
  }
  return sourceLocale;
}

/** The locale to show: the settings override if it is shipped, else the browser's languages. */
export function localeFor(override: string | undefined, browser: readonly string[] = navigator.languages): string {
  return override && LOCALES.includes(override) ? override : pickLocale(browser);
}

/** 'rtl' for right-to-left locales. */
export function directionOf(locale: string): 'ltr' | 'rtl' {
  return RTL.has(locale.split('-')[0]!) ? 'rtl' : 'ltr';
}

/** Switches the UI to `locale` and sets `<html lang dir>` to match; localized elements re-render themselves. */
export async function applyLocale(locale: string): Promise<void> {
  const root = document.documentElement;
  if (getLocale() !== locale) await setLocale(locale);
  if (root.lang !== locale) root.lang = locale;
  const dir = directionOf(locale);
  if (root.dir !== dir) root.dir = dir;
}
