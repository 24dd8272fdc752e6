// Installing like an app: the manifest's screenshots are real PNGs of the declared sizes (narrow and wide, for
// Chromium's richer install dialog) and its shortcuts open the screens they name.
import { strict as assert } from 'node:assert';
import { after, before, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, type RelayProcess } from './harness.js';
import { WAIT } from './chat-helpers.js';

let relay: RelayProcess;
let browser: Browser;
before(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await cleanup();
});

interface Manifest {
  screenshots: { src: string; sizes: string; type: string; form_factor?: string; label?: string }[];
  shortcuts: { name: string; url: string; icons: { src: string }[] }[];
}

it('declares narrow and wide screenshots that are served PNGs of their declared sizes', async () => {
  const manifest = (await (await fetch(`${relay.url}/manifest.webmanifest`)).json()) as Manifest;
  assert.deepEqual(manifest.screenshots.map((s) => s.form_factor).sort(), ['narrow', 'wide']);
  for (const shot of manifest.screenshots) {
    const res = await fetch(relay.url + shot.src);
    assert.equal(res.status, 200, shot.src);
    const png = Buffer.from(await res.arrayBuffer());
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    // IHDR: width and height at bytes 16..23.
    assert.equal(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, shot.sizes, shot.src);
    const [w, h] = shot.sizes.split('x').map(Number) as [number, number];
    assert.equal(shot.form_factor === 'narrow', h > w, 'narrow is portrait, wide is landscape');
    assert.ok(Math.max(w, h) / Math.min(w, h) <= 2.3, 'Chromium ignores screenshots with an aspect ratio above 2.3');
    assert.ok(shot.label);
  }
});

it('has shortcuts for a new group and for scanning a code, and they open those screens', async () => {
  const manifest = (await (await fetch(`${relay.url}/manifest.webmanifest`)).json()) as Manifest;
  assert.deepEqual(manifest.shortcuts.map((s) => [s.name, s.url]), [['New group', '/#/new-group'], ['Scan a code', '/#/contacts/scan']]);
  for (const s of manifest.shortcuts) for (const icon of s.icons) assert.equal((await fetch(relay.url + icon.src)).status, 200);

  const context = await newProfile(browser);
  const page = await openApp(context, relay);
  await onboard(page, 'Gus');
  await page.goto(`${relay.url}/#/new-group`);
  await page.getByRole('button', { name: 'Create group' }).waitFor(WAIT);
  await page.goto(`${relay.url}/#/contacts/scan`);
  // The scanner opened at once (this headless browser has no camera, so it says so).
  await page.getByTestId('camera-error').waitFor(WAIT);
  await page.getByRole('button', { name: 'Stop scanning' }).waitFor();
  await context.close();
});
