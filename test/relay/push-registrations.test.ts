import { strict as assert } from 'node:assert';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PushInputError } from '../../src/relay/push/errors.js';
import { DEFAULT_REGISTRATION_LIMITS, RegistrationStore, REGISTRATIONS_FILE } from '../../src/relay/push/registrations.js';

const b64u = (b: Buffer) => b.toString('base64url');

function subscription(endpoint = `https://push.example/s/${randomBytes(8).toString('hex')}`) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint, expirationTime: null, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(randomBytes(16)) } };
}

const PUB = 'A'.repeat(43) + '.' + 'B'.repeat(43);
const soul = (i = 0) => `~${PUB}/md1/c/${i.toString(16).padStart(32, '0')}`;

/** Asserts that `fn` throws a PushInputError with this status and code. */
function refused(fn: () => unknown, status: number, code: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PushInputError, `expected PushInputError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.status, status);
    assert.ok(err.message.length > 10);
    return true;
  });
}

describe('relay push registration store', () => {
  const dirs: string[] = [];
  after(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('accepts a real subscription and indexes it by soul', () => {
    const store = new RegistrationStore();
    const sub = subscription();
    store.register(sub, [soul(1), soul(2), soul(1)], '10.0.0.1');
    assert.equal(store.size, 1);
    assert.deepEqual(store.following(soul(1)).map((r) => r.subscription.endpoint), [sub.endpoint]);
    assert.deepEqual(store.get(sub.endpoint)?.souls, [soul(1), soul(2)]);
    // Re-registering the same endpoint replaces its souls (no second registration).
    store.register(sub, [soul(3)], '10.0.0.1');
    assert.equal(store.size, 1);
    assert.deepEqual(store.following(soul(1)), []);
    assert.equal(store.following(soul(3)).length, 1);
  });

  it('refuses subscription JSON that is not a subscription', () => {
    const store = new RegistrationStore();
    for (const bad of [null, 'x', 42, [], {}, { endpoint: 5, keys: {} }, { endpoint: 'not a url', keys: subscription().keys }]) {
      assert.throws(() => store.register(bad, [soul()], 'a'), PushInputError, JSON.stringify(bad));
    }
    refused(() => store.register({ endpoint: 'https://push.example/x' }, [soul()], 'a'), 400, 'bad-keys');
    refused(() => store.register(subscription(), 'not an array', 'a'), 400, 'bad-souls');
    refused(() => store.register(subscription(), ['~pub/md1/r/x'], 'a'), 400, 'bad-soul');
    refused(() => store.register(subscription(), [{ '#': soul() }], 'a'), 400, 'bad-soul');
    refused(() => store.register(subscription(`https://push.example/${'x'.repeat(1100)}`), [soul()], 'a'), 400, 'bad-endpoint');
    assert.equal(store.size, 0);
  });

  it('refuses keys of the wrong length or form', () => {
    const store = new RegistrationStore();
    const good = subscription();
    const compressed = createECDH('prime256v1');
    compressed.generateKeys();
    const cases: [Record<string, string>, string][] = [
      [{ p256dh: b64u(randomBytes(64)), auth: good.keys.auth }, 'bad-p256dh'],
      [{ p256dh: b64u(randomBytes(66)), auth: good.keys.auth }, 'bad-p256dh'],
      [{ p256dh: b64u(compressed.getPublicKey(undefined, 'compressed')), auth: good.keys.auth }, 'bad-p256dh'],
      [{ p256dh: b64u(Buffer.concat([Buffer.from([5]), randomBytes(64)])), auth: good.keys.auth }, 'bad-p256dh'],
      [{ p256dh: good.keys.p256dh + '!', auth: good.keys.auth }, 'bad-p256dh'],
      [{ p256dh: good.keys.p256dh, auth: b64u(randomBytes(15)) }, 'bad-auth'],
      [{ p256dh: good.keys.p256dh, auth: b64u(randomBytes(32)) }, 'bad-auth'],
      [{ p256dh: good.keys.p256dh }, 'bad-auth'],
    ];
    for (const [keys, code] of cases) refused(() => store.register({ endpoint: good.endpoint, keys }, [soul()], 'a'), 400, code);
    assert.equal(store.size, 0);
  });

  it('refuses endpoints that are not https; loopback http only behind the explicit option', () => {
    const strict = new RegistrationStore();
    for (const endpoint of ['http://push.example/x', 'http://127.0.0.1:9/push/x', 'http://localhost:9/x', 'ftp://push.example/x', 'file:///etc/passwd', 'ws://127.0.0.1/x', 'https://user:pw@push.example/x']) {
      assert.throws(() => strict.register(subscription(endpoint), [soul()], 'a'), PushInputError, endpoint);
    }
    refused(() => strict.register(subscription('http://127.0.0.1:9/push/x'), [soul()], 'a'), 400, 'endpoint-not-https');
    const testing = new RegistrationStore(DEFAULT_REGISTRATION_LIMITS, true);
    testing.register(subscription('http://127.0.0.1:9/push/x'), [soul()], 'a');
    testing.register(subscription('http://localhost:9/push/y'), [soul()], 'a');
    // The option opens loopback only: plain http to any other host stays refused.
    refused(() => testing.register(subscription('http://10.0.0.1/push/x'), [soul()], 'a'), 400, 'endpoint-not-https');
    refused(() => testing.register(subscription('http://push.example/x'), [soul()], 'a'), 400, 'endpoint-not-https');
    assert.equal(testing.size, 2);
  });

  it('bounds 10,000 registrations from one client, souls per registration and the total', () => {
    const store = new RegistrationStore();
    let accepted = 0;
    let refusals = 0;
    for (let i = 0; i < 10_000; i++) {
      try {
        store.register(subscription(), [soul(i)], '192.0.2.7');
        accepted++;
      } catch (err) {
        assert.ok(err instanceof PushInputError && err.code === 'too-many-registrations' && err.status === 429);
        refusals++;
      }
    }
    assert.equal(accepted, DEFAULT_REGISTRATION_LIMITS.perOwner);
    assert.equal(refusals, 10_000 - DEFAULT_REGISTRATION_LIMITS.perOwner);
    assert.equal(store.size, DEFAULT_REGISTRATION_LIMITS.perOwner);
    // Another client is not affected by the first one's flood; removing one frees a place.
    store.register(subscription(), [soul()], '192.0.2.8');
    const first = store.following(soul(0))[0];
    assert.ok(first && store.remove(first.subscription.endpoint));
    store.register(subscription(), [soul()], '192.0.2.7');

    const souls = Array.from({ length: DEFAULT_REGISTRATION_LIMITS.soulsPerRegistration + 1 }, (_, i) => soul(i));
    refused(() => store.register(subscription(), souls, '192.0.2.9'), 400, 'too-many-souls');

    const small = new RegistrationStore({ perOwner: 5, soulsPerRegistration: 10, total: 12 });
    for (let i = 0; i < 12; i++) small.register(subscription(), [soul()], `198.51.100.${Math.floor(i / 5)}`);
    refused(() => small.register(subscription(), [soul()], '203.0.113.1'), 503, 'relay-full');
  });

  it('persists registrations in the data folder (mode 0600) and reloads them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshdrop-push-'));
    dirs.push(dir);
    const store = await RegistrationStore.open(dir, DEFAULT_REGISTRATION_LIMITS, false);
    const a = subscription();
    const b = subscription();
    store.register(a, [soul(1)], 'x');
    store.register(b, [soul(2)], 'x');
    store.remove(b.endpoint);
    await store.flush();
    assert.equal((await stat(join(dir, REGISTRATIONS_FILE))).mode & 0o777, 0o600);
    const again = await RegistrationStore.open(dir, DEFAULT_REGISTRATION_LIMITS, false);
    assert.equal(again.size, 1);
    assert.equal(again.following(soul(1))[0]?.subscription.endpoint, a.endpoint);
    // Entries that no longer pass (here: loopback http without the option) are dropped on load.
    const testing = await RegistrationStore.open(dir, DEFAULT_REGISTRATION_LIMITS, true);
    testing.register(subscription('http://127.0.0.1:9/push/z'), [soul(3)], 'x');
    await testing.flush();
    assert.equal((await RegistrationStore.open(dir, DEFAULT_REGISTRATION_LIMITS, false)).size, 1);
  });
});
