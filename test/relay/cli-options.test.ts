import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS, parseRelayOptions, UsageError } from '../../src/relay/cli-options.js';

const APP = '/srv/app';
const LIMITS = { ...DEFAULT_LIMITS, trustProxy: false };
const parse = (argv: string[], env: Record<string, string | undefined> = {}) => parseRelayOptions(argv, env, APP);

/** Asserts that parsing fails with a UsageError whose message matches `message`. */
function rejects(argv: string[], message: RegExp, env: Record<string, string | undefined> = {}): void {
  assert.throws(() => parse(argv, env), (err: unknown) => {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}

describe('relay command line', () => {
  it('has sensible defaults', () => {
    assert.deepEqual(parse([]), { port: 8765, host: '0.0.0.0', dataDir: 'data/relay', peers: [], appDir: APP, maxMessageBytes: 4 * 1024 * 1024, routing: 'subscribed', ratePerClient: 200, ...LIMITS });
  });

  it('reads every flag, in both "--flag value" and "--flag=value" forms', () => {
    const o = parse(['--port', '0', '--host=127.0.0.1', '--data', '/tmp/d', '--peers=http://a:1/gun, ws://b:2/gun', '--max-message', '65536', '--no-app', '--routing', 'broadcast', '--rate=0']);
    assert.deepEqual(o, { port: 0, host: '127.0.0.1', dataDir: '/tmp/d', peers: ['http://a:1/gun', 'ws://b:2/gun'], maxMessageBytes: 65536, routing: 'broadcast', ratePerClient: 0, ...LIMITS });
    assert.equal((parse(['--app', '/x']) as { appDir?: string }).appDir, '/x');
  });

  it('takes the environment as defaults and lets flags win', () => {
    const env = { PORT: '9000', MESHDROP_HOST: '::1', MESHDROP_DATA: '/var/md', MESHDROP_PEERS: 'https://r2.example/gun', MESHDROP_MAX_MESSAGE: '100000', MESHDROP_ROUTING: 'broadcast', MESHDROP_RATE: '50' };
    assert.deepEqual(parse([], env), { port: 9000, host: '::1', dataDir: '/var/md', peers: ['https://r2.example/gun'], appDir: APP, maxMessageBytes: 100000, routing: 'broadcast', ratePerClient: 50, ...LIMITS });
    assert.equal((parse(['--port', '1234'], env) as { port: number }).port, 1234);
  });

  it('returns "help" for --help and -h', () => {
    assert.equal(parse(['--help']), 'help');
    assert.equal(parse(['--port', '1', '-h']), 'help');
  });

  it('rejects bad ports with the offending value', () => {
    rejects(['--port', 'abc'], /--port must be a whole number from 0 to 65535, not "abc"/);
    rejects(['--port', '70000'], /not "70000"/);
    rejects(['--port', '-1'], /not "-1"/);
  });

  it('rejects ports that only look numeric', () => {
    rejects(['--port=1.5'], /not "1.5"/);
    rejects(['--port=0x10'], /not "0x10"/);
    rejects([], /PORT must be a whole number/, { PORT: 'eighty' });
  });

  it('says which flag is missing its value', () => {
    rejects(['--port'], /--port needs a value/);
    rejects(['--data', '--port', '1'], /--data needs a value/);
    rejects(['--data='], /--data needs a value/);
    rejects(['--host', ''], /--host needs a value/);
  });

  it('rejects peers that are not http(s)/ws(s) URLs, naming the bad one', () => {
    rejects(['--peers', 'relay2:8765'], /--peers: "relay2:8765" must start with http:\/\/, https:\/\/, ws:\/\/ or wss:\/\//);
    rejects(['--peers', 'http://ok/gun,not a url'], /--peers: "not a url" is not a URL/);
    rejects([], /MESHDROP_PEERS: "ftp:\/\/x" must start with/, { MESHDROP_PEERS: 'ftp://x' });
  });

  it('rejects too small or non-numeric --max-message', () => {
    rejects(['--max-message', '1000'], /--max-message must be a whole number of bytes, at least 65536, not "1000"/);
    rejects(['--max-message=4MB'], /not "4MB"/);
    rejects([], /MESHDROP_MAX_MESSAGE must be/, { MESHDROP_MAX_MESSAGE: 'lots' });
  });

  it('rejects a bad --rate', () => {
    rejects(['--rate', 'fast'], /--rate must be a whole number of messages per second \(0 = no limit\), not "fast"/);
    rejects([], /MESHDROP_RATE must be/, { MESHDROP_RATE: '-5' });
  });

  it('rejects an unknown routing mode', () => {
    rejects(['--routing', 'axe'], /--routing must be "subscribed" or "broadcast", not "axe"/);
    rejects([], /MESHDROP_ROUTING must be/, { MESHDROP_ROUTING: 'all' });
  });

  it('reads the limits as sizes with units, from flags and the environment', () => {
    const o = parse(['--max-disk', '200MB', '--quota-day=5M', '--quota-stored', '1.5GB', '--address-quota-day', '0', '--address-quota-stored=50GB', '--trust-proxy']);
    assert.deepEqual(
      { ...(o as object) },
      {
        ...(parse([]) as object),
        maxDiskBytes: 200e6,
        quotaDayBytes: 5e6,
        quotaStoredBytes: 1.5e9,
        addressQuotaDayBytes: 0,
        addressQuotaStoredBytes: 50e9,
        trustProxy: true,
      },
    );
    const env = { MESHDROP_MAX_DISK: '1TB', MESHDROP_QUOTA_DAY: '10kb', MESHDROP_QUOTA_STORED: '4096', MESHDROP_ADDRESS_QUOTA_DAY: '2g', MESHDROP_ADDRESS_QUOTA_STORED: '3GiB', MESHDROP_TRUST_PROXY: '1' };
    const e = parse([], env) as unknown as Record<string, unknown>;
    assert.deepEqual([e.maxDiskBytes, e.quotaDayBytes, e.quotaStoredBytes, e.addressQuotaDayBytes, e.addressQuotaStoredBytes, e.trustProxy], [1e12, 10e3, 4096, 2e9, 3 * 1024 ** 3, true]);
    assert.equal((parse(['--max-disk', '1GB'], env) as { maxDiskBytes: number }).maxDiskBytes, 1e9);
  });

  it('rejects sizes it cannot read, naming the flag and the value', () => {
    rejects(['--max-disk', 'lots'], /--max-disk must be a size such as 200MB or 50GB \(or 0 for no limit\), not "lots"/);
    rejects(['--max-disk', '-5GB'], /--max-disk must be a size .* not "-5GB"/);
    rejects(['--quota-day', '10 parsecs'], /--quota-day must be a size .* not "10 parsecs"/);
    rejects(['--quota-stored=1e9'], /--quota-stored must be a size .* not "1e9"/);
    rejects(['--address-quota-day', '5PB'], /--address-quota-day must be a size/);
    rejects(['--max-disk'], /--max-disk needs a value/);
    rejects([], /MESHDROP_MAX_DISK must be a size .* not "big"/, { MESHDROP_MAX_DISK: 'big' });
    rejects([], /MESHDROP_TRUST_PROXY must be 1 or 0, not "maybe"/, { MESHDROP_TRUST_PROXY: 'maybe' });
    rejects(['--trust-proxy=yes'], /--trust-proxy takes no value/);
  });

  it('rejects unknown options and stray values', () => {
    rejects(['--prot', '80'], /Unknown option "--prot"\. Run with --help/);
    rejects(['8765'], /Unknown option "8765"/);
    rejects(['--no-app=yes'], /--no-app takes no value/);
  });

  it('reads the Web Push flags and refuses bad ones', () => {
    const o = parse(['--push-insecure-loopback', '--push-subject', 'https://relay.example/contact', '--push-coalesce=500']) as { push?: unknown };
    assert.deepEqual(o.push, { insecureLoopback: true, subject: 'https://relay.example/contact', coalesceMs: 500 });
    assert.deepEqual((parse(['--no-push']) as { push?: unknown }).push, { enabled: false });
    assert.deepEqual((parse([], { MESHDROP_PUSH_SUBJECT: 'mailto:ops@relay.example' }) as { push?: unknown }).push, { subject: 'mailto:ops@relay.example' });
    rejects(['--push-subject', 'http://relay.example'], /mailto: address or an https/);
    rejects(['--push-coalesce', 'soon'], /whole number of milliseconds/);
    rejects(['--no-push=1'], /takes no value/);
  });
});
