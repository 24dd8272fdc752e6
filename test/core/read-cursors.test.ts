import { expect } from '@esm-bundle/chai';
import { openMeshdropDB } from '../../src/store/db.js';
import { randomId } from '../../src/core/crypto.js';
import { keyBefore, MARGIN_MS, ReadCursors } from '../../src/core/read-cursors.js';

const idAt = (ms: number, tail = 'aaaaaaaaaaaa') => ms.toString(36).padStart(9, '0') + tail;
const T = Date.UTC(2026, 10, 30, 12);

describe('read cursors', () => {
  it('start a node from MARGIN_MS before the newest processed key, and whole when never read', async () => {
    const cursors = new ReadCursors(await openMeshdropDB(`md-cur-${randomId(6)}`));
    await cursors.load();
    expect(cursors.from('~a/md1/c/x')).to.equal(undefined);
    cursors.advance('~a/md1/c/x', idAt(T));
    cursors.advance('~a/md1/c/x', idAt(T - 5_000)); // an older key never moves the cursor back
    expect(cursors.from('~a/md1/c/x')).to.equal(keyBefore(idAt(T), MARGIN_MS));
    expect(keyBefore(idAt(T), MARGIN_MS)! < idAt(T - MARGIN_MS + 1)).to.equal(true);
    expect(keyBefore(idAt(T), MARGIN_MS)! <= idAt(T - MARGIN_MS)).to.equal(true);
  });

  it('read again from before a held key until it is released', async () => {
    const cursors = new ReadCursors(await openMeshdropDB(`md-cur-${randomId(6)}`));
    await cursors.load();
    cursors.advance('s', idAt(T));
    cursors.hold('s', idAt(T - 3_600_000));
    expect(cursors.from('s')).to.equal(keyBefore(idAt(T - 3_600_000), MARGIN_MS));
    cursors.advance('s', idAt(T - 3_600_000));
    expect(cursors.from('s')).to.equal(keyBefore(idAt(T), MARGIN_MS));
  });

  it('survive a restart once saved, and a key without a time prefix reads the node whole', async () => {
    const name = `md-cur-${randomId(6)}`;
    const first = new ReadCursors(await openMeshdropDB(name));
    await first.load();
    first.advance('s', idAt(T));
    first.advance('odd', 'last');
    await first.flush();
    const again = new ReadCursors(await openMeshdropDB(name));
    await again.load();
    expect(again.from('s')).to.equal(keyBefore(idAt(T), MARGIN_MS));
    expect(again.from('odd')).to.equal(undefined);
  });

  it('save at once when the page is hidden or closed, not a save delay later', async () => {
    const name = `md-cur-${randomId(6)}`;
    const db = await openMeshdropDB(name);
    const cursors = new ReadCursors(db);
    await cursors.load();
    cursors.advance('s', idAt(T));
    // A closed tab gets 'pagehide' and then nothing: what was processed in its last moments must not be read again.
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    const saved = async () => ((await db.get('settings', 'readCursors')) as Record<string, { at?: string }> | undefined)?.s?.at;
    // Polled for well under the 250 ms save delay.
    for (let i = 0; i < 10 && !(await saved()); i++) await new Promise((r) => setTimeout(r, 5));
    expect(await saved()).to.equal(idAt(T));
    cursors.close();
  });
});
