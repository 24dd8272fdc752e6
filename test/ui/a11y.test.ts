// axe-core on every screen of the walk (src/ui/router.ts routes, onboarding, the shell's prompts), in English and
// German, light and dark theme, with the app's real colours (the <style> of public/index.html).
import { expect } from '@esm-bundle/chai';
import 'axe-core/axe.min.js';
import type { AxeResults } from 'axe-core';
import { applyLocale } from '../../src/ui/i18n.js';
import { STEPS, WalkApi, openApp, openOnboarding, visit } from './screen-walk.js';

const axe = (window as unknown as { axe: { run(ctx: Node, opts: object): Promise<AxeResults> } }).axe;

/** The app page's colour variables (light, dark and data-theme) in this test page. */
async function useAppStyles(): Promise<void> {
  if (document.getElementById('app-styles')) return;
  const page = new DOMParser().parseFromString(await (await fetch('/public/index.html')).text(), 'text/html');
  const style = document.createElement('style');
  style.id = 'app-styles';
  style.textContent = [...page.querySelectorAll('style')].map((s) => s.textContent).join('\n');
  document.head.append(style);
}

async function violations(screen: string): Promise<string[]> {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${screen}: ${v.id} (${v.impact}) at ${JSON.stringify(n.target)}: ${n.failureSummary?.replace(/\s+/g, ' ')}`));
}

describe('accessibility (axe-core)', function () {
  this.timeout(120_000);

  before(useAppStyles);
  afterEach(() => {
    document.body.replaceChildren();
    history.replaceState(null, '', location.pathname + location.search);
    delete document.documentElement.dataset.theme;
  });

  for (const language of ['en', 'de']) {
    for (const theme of ['light', 'dark'] as const) {
      it(`reports no violations on any screen (${language}, ${theme})`, async () => {
        document.documentElement.dataset.theme = theme;
        await applyLocale(language);
        const api = new WalkApi(language);
        api.preferences.theme = theme;
        const found: string[] = [];
        const app = await openApp(api, STEPS[0]!.hash);
        for (const step of STEPS) {
          await visit(app, step);
          found.push(...(await violations(step.name)));
        }
        app.remove();
        const onboarding = await openOnboarding(language);
        onboarding.shadowRoot && found.push(...(await violations('onboarding')));
        expect(document.documentElement.lang).to.equal(language);
        expect(found).to.deep.equal([]);
      });
    }
  }
});
