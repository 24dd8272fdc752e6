import { expect } from '@esm-bundle/chai';
import '../../src/ui/md-file-message.js';
import type { MdFileMessage } from '../../src/ui/md-file-message.js';

async function mount(props: Partial<Pick<MdFileMessage, 'file' | 'state' | 'mine'>>): Promise<MdFileMessage> {
  const el = document.createElement('md-file-message');
  Object.assign(el, props);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const file = { fileId: 'a'.repeat(32), name: 'report.bin', size: 4 * 1024 * 1024, type: 'application/octet-stream' };

describe('md-file-message', () => {
  afterEach(() => document.body.replaceChildren());

  it('shows progress in bytes and percent on an accessible progressbar', async () => {
    const el = await mount({ file, state: { status: 'downloading', doneBytes: 1024 * 1024, size: file.size, error: '' } });
    const bar = el.shadowRoot!.querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuenow')).to.equal(String(1024 * 1024));
    expect(bar.getAttribute('aria-valuemax')).to.equal(String(file.size));
    expect(bar.getAttribute('aria-valuetext')).to.equal('1.0 MB of 4.0 MB (25%)');
    expect(bar.getAttribute('aria-label')).to.equal('Receiving report.bin');
    expect(el.shadowRoot!.querySelector('[data-testid="file-save"]')).to.equal(null);
  });

  it('shows the failure reason and never offers a failed file', async () => {
    const el = await mount({ file, state: { status: 'failed', doneBytes: 0, size: file.size, error: 'Part 2 of 16 failed verification 3 times.', blob: new Blob(['x']) } });
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('Part 2 of 16 failed verification');
    expect(el.shadowRoot!.querySelector('[data-testid="file-save"]')).to.equal(null);
  });

  it('offers Save for a verified file, Open only for safe types, and a preview for raster images', async () => {
    const html = { ...file, name: 'page.html', type: 'text/html', size: 5 };
    const el = await mount({ file: html, state: { status: 'complete', doneBytes: 5, size: 5, error: '', blob: new Blob(['<b>x'], { type: 'text/html' }) } });
    expect(el.shadowRoot!.querySelector('[data-testid="file-save"]')!.getAttribute('download')).to.equal('page.html');
    expect(el.shadowRoot!.querySelector('[data-testid="file-open"]'), 'HTML is never opened in the app origin').to.equal(null);
    const png = { ...file, name: 'p.png', type: 'image/png', size: 3 };
    const img = await mount({ file: png, state: { status: 'complete', doneBytes: 3, size: 3, error: '', blob: new Blob(['abc'], { type: 'image/png' }) } });
    expect(img.shadowRoot!.querySelector('img')!.getAttribute('alt')).to.equal('Preview of p.png');
    expect(img.shadowRoot!.querySelector('[data-testid="file-open"]')).to.not.equal(null);
  });
});
