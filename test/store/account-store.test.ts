import { expect } from '@esm-bundle/chai';
import { openMeshdropDB } from '../../src/store/db.js';
import { replaceAccount } from '../../src/store/account-store.js';
import { loadIdentity, saveIdentity } from '../../src/store/identity-store.js';
import type { IdentityRecord } from '../../src/store/schema.js';

const identity = (pub: string): IdentityRecord => ({ pair: { pub, priv: 'p', epub: 'e', epriv: 'q' }, name: pub, createdAt: 1 });

describe('replaceAccount', () => {
  it('swaps the identity and drops the old identity’s data but keeps device settings', async () => {
    const db = await openMeshdropDB(`account-${Math.random()}`);
    await saveIdentity(db, identity('old'));
    await db.put('contacts', { pub: 'bob', epub: 'e', name: 'Bob', addedAt: 1, channelId: 'c', verified: false });
    await db.put('settings', ['http://r/gun'], 'relays');
    await db.put('settings', ['inbox'], 'openInvites');
    await replaceAccount(db, identity('new'));
    expect((await loadIdentity(db))?.pair.pub).to.equal('new');
    expect(await db.count('contacts')).to.equal(0);
    expect(await db.get('settings', 'relays')).to.deep.equal(['http://r/gun']);
    expect(await db.get('settings', 'openInvites')).to.equal(undefined);
    db.close();
  });
});
