import { expect } from '@esm-bundle/chai';
import { closeAll, DEAD_RELAY, newUser, openController, relayGun, texts, waitFor } from '../helpers/controllers.js';
import type { Meshdrop } from '../../src/core/meshdrop.js';

async function statusOf(md: Meshdrop, channelId: string, id: string): Promise<string | undefined> {
  return (await md.loadMessages(channelId, { limit: 50 })).messages.find((m) => m.id === id)?.status;
}

describe('offline-first: outbox and store-and-forward through a real relay', function () {
  this.timeout(150000);
  afterEach(closeAll);

  it('a message written while offline stays pending, then goes out on reconnect and is delivered', async () => {
    const amy = await newUser('Amy');
    const bo = await newUser('Bo');
    const c = await bo.md.acceptInviteLink(await amy.md.createInviteLink());
    await waitFor('Amy has Bo', async () => (await amy.md.listContacts()).length === 1);
    amy.md.close();

    // Amy restarts with no reachable relay: history is there at once, sending queues.
    const offline = await openController(amy.dbName, [DEAD_RELAY]);
    expect(offline.status.state).not.to.equal('connected');
    expect((await offline.listChannels()).map((x) => x.id)).to.include(c.channelId);
    const m = await offline.sendText(c.channelId, 'written offline');
    expect(m.status).to.equal('pending');
    const session = await offline.session();
    await session.outbox.flush();
    expect(await session.outbox.pendingCount()).to.be.greaterThan(0);
    expect(await statusOf(offline, c.channelId, m.id)).to.equal('pending');

    // The network comes back (a relay becomes reachable): the outbox drains by itself.
    offline.connection.gun.opt({ peers: [relayGun()] });
    await waitFor('Bo receives', async () => (await texts(bo.md, c.channelId)).includes('written offline'), 30000);
    await waitFor('delivered', async () => (await statusOf(offline, c.channelId, m.id)) === 'delivered', 30000);
    await waitFor('outbox drained', async () => (await session.outbox.pendingCount()) === 0, 30000);
  });

  it('a pending message survives a restart and is sent when the app starts online', async () => {
    const cy = await newUser('Cy');
    const di = await newUser('Di');
    const c = await di.md.acceptInviteLink(await cy.md.createInviteLink());
    await waitFor('Cy has Di', async () => (await cy.md.listContacts()).length === 1);
    cy.md.close();
    const offline = await openController(cy.dbName, [DEAD_RELAY]);
    const m = await offline.sendText(c.channelId, 'queued across restart');
    offline.close();
    const online = await openController(cy.dbName);
    await waitFor('sent after restart', async () => (await statusOf(online, c.channelId, m.id)) !== 'pending', 30000);
    await waitFor('Di receives', async () => (await texts(di.md, c.channelId)).includes('queued across restart'), 30000);
  });

  it('a recipient offline at send time receives the message on next start', async () => {
    const ed = await newUser('Ed');
    const flo = await newUser('Flo');
    const c = await flo.md.acceptInviteLink(await ed.md.createInviteLink());
    await waitFor('Ed has Flo', async () => (await ed.md.listContacts()).length === 1);
    await ed.md.sendText(c.channelId, 'before');
    await waitFor('Flo has "before"', async () => (await texts(flo.md, c.channelId)).includes('before'));
    flo.md.close();

    const m = await ed.md.sendText(c.channelId, 'while you were away');
    await waitFor('relay acked', async () => (await statusOf(ed.md, c.channelId, m.id)) === 'sent');

    // Flo opens the app offline first: cached history shows at once.
    const floOffline = await openController(flo.dbName, [DEAD_RELAY]);
    expect(await texts(floOffline, c.channelId)).to.deep.equal(['before']);
    floOffline.close();

    const floOnline = await openController(flo.dbName);
    await waitFor('Flo receives on next start', async () => (await texts(floOnline, c.channelId)).includes('while you were away'), 30000);
    expect((await floOnline.getChannel(c.channelId))?.unread).to.equal(2);
    await waitFor('delivered to Ed', async () => (await statusOf(ed.md, c.channelId, m.id)) === 'delivered', 30000);
    // No duplicates after re-reading everything from the relay.
    expect(await texts(floOnline, c.channelId)).to.deep.equal(['before', 'while you were away']);
  });
});
