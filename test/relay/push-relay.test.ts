// The relay's Web Push sender end to end against a stand-in push service: a real relay process, raw GUN writers
// (signed by the soul's owner, or forged by someone else) and HTTP clients sending good and bad requests.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { cleanup, startRelay, type RelayProcess } from '../e2e/harness.js';
import { closeAllGuns, nodeGun, putAcked, SEA, type NodeGun } from '../e2e/gun-node.js';
import { StandInPushService, type SubscriptionJson } from './push-standin.js';
import type { SeaPair } from '../../src/types/gun.js';

const channel = () => randomBytes(16).toString('hex');

async function call(relay: RelayProcess, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(relay.url + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('relay Web Push', () => {
  let relay: RelayProcess;
  let pushService: StandInPushService;
  let alice: SeaPair;
  let writer: NodeGun;
  before(async () => {
    pushService = await StandInPushService.start();
    relay = await startRelay({ extraArgs: ['--no-app', '--push-insecure-loopback'] });
    alice = await SEA.pair();
    writer = nodeGun([relay.gunUrl]);
    await new Promise<void>((ok, fail) => writer.gun.user().auth(alice, (ack) => (ack.err ? fail(new Error(ack.err)) : ok())));
  });
  after(async () => {
    closeAllGuns();
    await pushService.close();
    await cleanup();
  });

  const write = (ch: string, key = `m${randomBytes(4).toString('hex')}`) => putAcked(writer.gun.get(`~${alice.pub}/md1/c/${ch}`).get(key), 'SEA{"opaque":"envelope"}');
  const register = async (sub: SubscriptionJson, channels: string[]) => {
    const r = await call(relay, 'POST', '/push/subscribe', { subscription: sub, souls: channels.map((c) => `~${alice.pub}/md1/c/${c}`) });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  };

  it('serves a VAPID key made on first start, kept in the data folder with mode 0600 and reused after a restart', async () => {
    const { status, json } = await call(relay, 'GET', '/push/vapid');
    assert.equal(status, 200);
    const key = Buffer.from(json.publicKey, 'base64url');
    assert.equal(key.length, 65);
    assert.equal(key[0], 4);
    assert.equal((await stat(join(relay.dataDir, 'push-vapid.json'))).mode & 0o777, 0o600);
    const again = await startRelay({ dataDir: relay.dataDir, extraArgs: ['--no-app'] });
    assert.equal((await call(again, 'GET', '/push/vapid')).json.publicKey, json.publicKey);
    await again.kill();
  });

  it('answers bad requests with 400, a code and a message, and allows cross-origin apps', async () => {
    const good = pushService.subscribe();
    const soul = `~${alice.pub}/md1/c/${channel()}`;
    const cases: [unknown, string][] = [
      ['{not json', 'bad-json'],
      [[], 'bad-subscription'],
      [{ subscription: { endpoint: good.endpoint }, souls: [soul] }, 'bad-keys'],
      [{ subscription: { ...good, keys: { ...good.keys, auth: 'AAAA' } }, souls: [soul] }, 'bad-auth'],
      [{ subscription: good, souls: 'x' }, 'bad-souls'],
      [{ subscription: good, souls: ['#md1inboxabc'] }, 'bad-soul'],
    ];
    for (const [body, code] of cases) {
      const r = await call(relay, 'POST', '/push/subscribe', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.error.code, code);
      assert.ok(r.json.error.message.length > 10);
    }
    // Without --push-insecure-loopback, a relay refuses the stand-in's http endpoint.
    const strict = await startRelay({ extraArgs: ['--no-app'] });
    const r = await call(strict, 'POST', '/push/subscribe', { subscription: good, souls: [soul] });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'endpoint-not-https');
    await strict.kill();
    assert.equal((await call(relay, 'POST', '/push/unsubscribe', {})).json.error.code, 'bad-endpoint');
    const big = await call(relay, 'POST', '/push/subscribe', 'x'.repeat(300 * 1024));
    assert.equal(big.status, 413);
    const pre = await fetch(relay.url + '/push/subscribe', { method: 'OPTIONS', headers: { Origin: 'http://other.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    // The relay still works.
    assert.equal((await call(relay, 'GET', '/push/vapid')).status, 200);
  });

  it("sends one coalesced, VAPID-signed, encrypted push per chat carrying only the channel id; forged writes push nothing", async () => {
    const sub = pushService.subscribe();
    const [ch, ch2, ch3] = [channel(), channel(), channel()];
    await register(sub, [ch, ch2, ch3]);
    const vapid = (await call(relay, 'GET', '/push/vapid')).json.publicKey as string;
    await write(ch);
    await pushService.waitFor(() => pushService.pushesTo(sub.endpoint).length === 1);
    const [first] = pushService.pushesTo(sub.endpoint);
    assert.deepEqual(JSON.parse(first!.payload), { v: 1, c: ch });
    assert.equal(first!.vapidKey, vapid);
    assert.ok(first!.ttl > 0 && first!.ttl <= 24 * 3600, `TTL ${first!.ttl}`);

    // Within the interval: more writes to ch are coalesced; a forged write to ch3 (signed by Mallory) is refused by
    // the relay and so pushes nothing; then a write to ch2 gets its own push.
    await write(ch);
    await write(ch);
    const mallory = await SEA.pair();
    const soul3 = `~${alice.pub}/md1/c/${ch3}`;
    const now = Date.now();
    const { s } = await (SEA.sign as unknown as (d: unknown, p: SeaPair, cb: null, o: { raw: 1 }) => Promise<{ s: string }>)({ '#': soul3, '.': 'm1', ':': 'x', '>': now }, mallory, null, { raw: 1 });
    const ws = new WebSocket(relay.gunUrl.replace(/^http/, 'ws'));
    await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
    ws.send(JSON.stringify({ '#': 'forged', put: { [soul3]: { _: { '#': soul3, '>': { m1: now } }, m1: JSON.stringify({ ':': 'x', '~': s, '*': mallory.pub }) } } }));
    ws.send(JSON.stringify({ '#': 'unsigned', put: { [soul3]: { _: { '#': soul3, '>': { m2: now } }, m2: 'unsigned' } } }));
    // The relay has seen the forged write before the honest one is made (its forgery filter counts it).
    while (((await call(relay, 'GET', '/health')).json as { forged: number }).forged < 1) await new Promise((r) => setTimeout(r, 20));
    await write(ch2);
    await pushService.waitFor(() => pushService.pushesTo(sub.endpoint).length === 2);
    ws.close();
    assert.deepEqual(pushService.pushesTo(sub.endpoint).map((p) => JSON.parse(p.payload).c), [ch, ch2]);
    assert.deepEqual(pushService.rejected, []);
  });

  it('drops subscriptions the push service reports gone (404, 410) and stops pushing after unsubscribe', async () => {
    const [ch, ch2] = [channel(), channel()];
    const [gone404, gone410, removed, control] = [pushService.subscribe(), pushService.subscribe(), pushService.subscribe(), pushService.subscribe()];
    for (const s of [gone404, gone410, removed, control]) await register(s, [ch, ch2]);
    const before = (await call(relay, 'GET', '/push/status')).json as { registrations: number; gone: number };
    pushService.revoke(gone404.endpoint, 404);
    pushService.revoke(gone410.endpoint, 410);
    assert.deepEqual((await call(relay, 'DELETE', '/push/subscribe', { endpoint: removed.endpoint })).json, { ok: true, removed: true });
    await write(ch);
    await pushService.waitFor(() => pushService.pushesTo(control.endpoint).length === 1);
    // Wait until the relay has handled both answers (a condition, polled; no fixed sleep).
    for (;;) {
      const status = (await call(relay, 'GET', '/push/status')).json as { registrations: number; gone: number };
      if (status.gone === before.gone + 2) {
        assert.equal(status.registrations, before.registrations - 3);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // Another chat, so coalescing cannot hide a push: the gone and removed ones get no request, the control one does.
    await write(ch2);
    await pushService.waitFor(() => pushService.pushesTo(control.endpoint).length === 2);
    assert.equal(pushService.rejected.length, 2, pushService.rejected.join(' | '));
    assert.equal(pushService.pushesTo(removed.endpoint).length, 0);
    assert.deepEqual((await call(relay, 'POST', '/push/unsubscribe', { endpoint: gone410.endpoint })).json, { ok: true, removed: false });
  });
});
