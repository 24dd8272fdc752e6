// Durations and sizes on the relay's command line, with clear errors.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseByteSize, parseDuration } from '../../src/relay/blob-options.js';
import { parseRelayOptions, UsageError } from '../../src/relay/cli-options.js';

describe('relay blob options', () => {
  it('parses durations and sizes', () => {
    assert.equal(parseDuration('30d'), 30 * 86_400_000);
    assert.equal(parseDuration('12h'), 12 * 3_600_000);
    assert.equal(parseDuration('2s'), 2000);
    assert.equal(parseDuration('1.5m'), 90_000);
    assert.equal(parseDuration('0'), undefined);
    assert.equal(parseDuration('soon'), undefined);
    assert.equal(parseByteSize('200MB'), 200e6);
    assert.equal(parseByteSize('1GiB'), 1024 ** 3);
    assert.equal(parseByteSize('0'), 0);
    assert.equal(parseByteSize('lots'), undefined);
  });

  it('takes --keep-files and --upload-quota (flags and environment) and words bad values', () => {
    const o = parseRelayOptions(['--keep-files', '12h', '--upload-quota=5GB'], {}, '/app');
    assert.ok(o !== 'help');
    assert.equal(o.keepFilesMs, 12 * 3_600_000);
    assert.equal(o.uploadQuotaBytes, 5e9);
    const env = parseRelayOptions([], { MESHDROP_KEEP_FILES: '2s', MESHDROP_BLOBS: '/srv/blobs' }, '/app');
    assert.ok(env !== 'help' && env.keepFilesMs === 2000 && env.blobDir === '/srv/blobs');
    const flag = parseRelayOptions(['--blobs', '/b'], {}, '/app');
    assert.ok(flag !== 'help' && flag.blobDir === '/b');
    assert.throws(() => parseRelayOptions(['--keep-files', 'forever'], {}, '/app'), (e: unknown) => e instanceof UsageError && /--keep-files must be a duration such as 30d/.test(e.message));
    assert.throws(() => parseRelayOptions(['--upload-quota', 'x'], {}, '/app'), (e: unknown) => e instanceof UsageError && /--upload-quota must be a size/.test(e.message));
  });
});
