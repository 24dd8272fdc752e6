// Scanning an invite QR code with the camera: A's page shows its invite QR; that very image, turned into a video
// file, is Chromium's fake camera for B; B scans it and A becomes B's contact. A refused camera says so clearly.
import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, cleanup, launchBrowser, newProfile, onboard, openApp, startRelay, tempDir, type RelayProcess } from './harness.js';
import { createInvite, WAIT } from './chat-helpers.js';

const W = 640;
const H = 480;

let relay: RelayProcess;
let browser: Browser;
const extraBrowsers: Browser[] = [];

before(async () => {
  relay = await startRelay();
  browser = await launchBrowser();
});
after(async () => {
  await Promise.all([browser?.close(), ...extraBrowsers.map((b) => b.close())]);
  await cleanup();
});

/** YUV4MPEG2 (C420jpeg) video of `frames` identical frames from a W×H luma plane; chroma neutral (grey). */
function y4m(luma: Buffer, frames = 4): Buffer {
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: frames }, () => frame)]);
}

/** A browser whose camera plays `videoFile`; `autoAccept` answers the permission prompt with yes (else no one does). */
async function launchWithCamera(videoFile: string, autoAccept = true): Promise<Browser> {
  const args = [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${videoFile}`];
  if (autoAccept) args.push('--use-fake-ui-for-media-stream');
  const b = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  extraBrowsers.push(b);
  return b;
}

it("B scans A's invite QR code with the camera and A becomes B's contact", async () => {
  const a = await newProfile(browser);
  const pageA = await openApp(a, relay);
  await onboard(pageA, 'Ann');
  const link = await createInvite(pageA);

  // The QR code exactly as A's page draws it, rasterised in A's page onto a white camera frame.
  const lumaB64 = await pageA.getByTestId('qr-svg').evaluate(async (svg, { w, h }) => {
    const img = new Image();
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = false;
    const size = h - 40;
    ctx.drawImage(img, (w - size) / 2, 20, size, size);
    const rgba = ctx.getImageData(0, 0, w, h).data;
    let bin = '';
    for (let i = 0; i < rgba.length; i += 4) bin += String.fromCharCode(Math.round(0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!));
    return btoa(bin);
  }, { w: W, h: H });
  const luma = Buffer.from(lumaB64, 'base64');
  assert.equal(luma.length, W * H);
  const video = join(await tempDir('meshdrop-cam-'), 'invite-qr.y4m');
  await writeFile(video, y4m(luma));

  const camBrowser = await launchWithCamera(video);
  const b = await newProfile(camBrowser);
  await b.grantPermissions(['camera'], { origin: relay.url });
  const pageB = await openApp(b, relay);
  await onboard(pageB, 'Bob');
  await pageB.getByRole('button', { name: 'Contacts', exact: true }).click();
  await pageB.getByRole('button', { name: 'Scan QR code' }).click();
  await pageB.getByTestId('add-notice').filter({ hasText: 'Ann was added' }).waitFor(WAIT);
  assert.match(link, /#invite=/);
  await pageB.getByText('Ann', { exact: true }).first().waitFor(WAIT);
  // The camera is released once the code is read.
  assert.equal(await pageB.locator('md-qr-scanner').count(), 0);
  await Promise.all([a.close(), b.close()]);
});

it('no camera, or a refused camera, gives a clear message and a way to try again', async () => {
  const scanProblem = async (b: Browser, grant: boolean): Promise<string | null> => {
    const context = await newProfile(b);
    if (grant) await context.grantPermissions(['camera'], { origin: relay.url });
    const page = await openApp(context, relay);
    await onboard(page, 'Cy');
    await page.getByRole('button', { name: 'Contacts', exact: true }).click();
    await page.getByRole('button', { name: 'Scan QR code' }).click();
    const error = page.getByTestId('camera-error');
    await error.waitFor(WAIT);
    assert.match((await error.textContent()) ?? '', /paste the invite link instead/i);
    await page.getByRole('button', { name: 'Try again' }).waitFor();
    const problem = await error.getAttribute('data-problem');
    await context.close();
    return problem;
  };
  // A machine without a camera (the default headless browser has no capture device).
  assert.equal(await scanProblem(browser, true), 'no-camera');
  // A camera the user refused: the permission prompt is answered no.
  const blank = join(await tempDir('meshdrop-cam-'), 'blank.y4m');
  await writeFile(blank, y4m(Buffer.alloc(W * H, 255), 1));
  assert.equal(await scanProblem(await launchWithCamera(blank, false), false), 'denied');
});
