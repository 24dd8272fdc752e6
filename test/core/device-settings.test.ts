import { expect } from '@esm-bundle/chai';
import { DEFAULT_PREFERENCES, readPreferences } from '../../src/core/preferences.js';
import { closeAll, newUser, openController } from '../helpers/controllers.js';
import { rejection } from '../helpers/rejection.js';

describe('device preferences and per-chat mute', () => {
  afterEach(() => closeAll());

  it('malformed stored preferences fall back to the defaults field by field', () => {
    expect(readPreferences(undefined)).to.deep.equal(DEFAULT_PREFERENCES);
    expect(readPreferences('x')).to.deep.equal(DEFAULT_PREFERENCES);
    expect(readPreferences({ hidePreviews: 'yes', theme: 'purple', storageWarningDismissed: true })).to.deep.equal({
      ...DEFAULT_PREFERENCES,
      storageWarningDismissed: true,
    });
  });

  it('preferences, the file size limit and a chat mute survive a restart; muting an unknown chat says so', async () => {
    const alice = await newUser('Alice');
    const bob = await newUser('Bob');
    const contact = await bob.md.acceptInviteLink(await alice.md.createInviteLink());
    await alice.md.setPreferences({ hidePreviews: true, theme: 'dark' });
    await bob.md.setChannelMuted(contact.channelId, true);
    await bob.md.setMaxFileBytes(3 * 1024 * 1024);
    expect((await bob.md.getChannel(contact.channelId))?.muted).to.equal(true);
    expect((await rejection(bob.md.setChannelMuted('no-such-chat', true))).message).to.match(/not on this device/);
    expect((await rejection(bob.md.setMaxFileBytes(0))).message).to.match(/between/);
    alice.md.close();
    bob.md.close();

    const alice2 = await openController(alice.dbName);
    const bob2 = await openController(bob.dbName);
    expect(alice2.preferences).to.deep.equal({ ...DEFAULT_PREFERENCES, hidePreviews: true, theme: 'dark' });
    expect((await bob2.listChannels()).find((c) => c.id === contact.channelId)?.muted).to.equal(true);
    expect(bob2.maxFileBytes).to.equal(3 * 1024 * 1024);
    await bob2.setChannelMuted(contact.channelId, false);
    expect((await bob2.getChannel(contact.channelId))?.muted).to.equal(false);
  });
});
