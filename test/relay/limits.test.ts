// Quota accounting, sizes, the disk budget and who pays for a write (issue 12, relay limits).
import { strict as assert } from 'node:assert';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatSize, parseSize } from '../../src/relay/sizes.js';
import { charge, emptyUsage, overQuota, QuotaLedger, utcDay } from '../../src/relay/quota.js';
import { DiskBudget, folderBytes } from '../../src/relay/disk-budget.js';
import { addressKey, soulKind, soulWrites } from '../../src/relay/write-guard.js';
import { clientAddress } from '../../src/relay/client-address.js';
import { refusalCode, refusalError, refusalWords, REFUSAL_WORDS } from '../../src/sync/relay-refusals.js';

const dirs: string[] = [];
const scratch = async () => {
  const d = await mkdtemp(join(tmpdir(), 'meshdrop-limits-'));
  dirs.push(d);
  return d;
};
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const MB = 1024 ** 2;
const DAY = 24 * 3600_000;
const NOON = Date.UTC(2026, 10, 30, 12);

describe('sizes', () => {
  it('reads bytes, decimal and binary units, in any case, with or without a space', () => {
    assert.equal(parseSize('0'), 0);
    assert.equal(parseSize('1048576'), MB);
    assert.equal(parseSize('200MB'), 200e6);
    assert.equal(parseSize('200MiB'), 200 * MB);
    assert.equal(parseSize('50GB'), 50e9);
    assert.equal(parseSize('1.5g'), 1.5e9);
    assert.equal(parseSize('512 KiB'), 512 * 1024);
    assert.equal(parseSize('2tb'), 2e12);
    assert.equal(parseSize('7b'), 7);
  });

  it('refuses what is not a size', () => {
    for (const bad of ['', 'MB', '-1MB', '1e6', '5PB', '10 parsecs', '1.2.3GB', '0x10', '99999999999TB']) assert.equal(parseSize(bad), undefined, bad);
  });

  it('formats sizes for people', () => {
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(200e6), '200 MB');
    assert.equal(formatSize(1.5e9), '1.5 GB');
  });
});

describe('quota accounting', () => {
  const limit = { day: 10 * MB, stored: 25 * MB };

  it('allows writes up to the daily quota and refuses the one that would pass it', () => {
    const u = emptyUsage(NOON);
    assert.equal(overQuota(u, limit, 10 * MB, NOON), undefined);
    charge(u, 6 * MB, NOON);
    assert.equal(overQuota(u, limit, 4 * MB, NOON), undefined);
    assert.equal(overQuota(u, limit, 4 * MB + 1, NOON), 'quota-day');
    assert.equal(overQuota(undefined, limit, 11 * MB, NOON), 'quota-day');
  });

  it('starts a new daily count at midnight UTC, but stored bytes keep adding up', () => {
    const u = emptyUsage(NOON);
    charge(u, 10 * MB, NOON);
    assert.equal(overQuota(u, limit, 1, NOON), 'quota-day');
    const tomorrow = NOON + DAY;
    assert.equal(overQuota(u, limit, 1, tomorrow), undefined);
    charge(u, 10 * MB, tomorrow);
    assert.equal(u.day, utcDay(tomorrow));
    assert.equal(u.dayBytes, 10 * MB);
    assert.equal(u.stored, 20 * MB);
    // Day three: a fresh daily quota, but only 5 MB left of the stored quota.
    assert.equal(overQuota(u, limit, 6 * MB, tomorrow + DAY), 'quota-stored');
    assert.equal(overQuota(u, limit, 5 * MB, tomorrow + DAY), undefined);
  });

  it('treats 0 as no limit', () => {
    const u = emptyUsage(NOON);
    charge(u, 10 ** 12, NOON);
    assert.equal(overQuota(u, { day: 0, stored: 0 }, 10 ** 12, NOON), undefined);
  });

  it('keeps the ledger across a restart, and a torn ledger file does not stop the relay', async () => {
    const dir = await scratch();
    const file = join(dir, 'quota', 'ledger.json');
    const a = new QuotaLedger(file);
    a.charge('key:alice', 3 * MB, NOON);
    a.charge('addr:1.2.3.4', 5 * MB, NOON);
    await a.save(NOON);
    const b = new QuotaLedger(file);
    await b.load();
    assert.deepEqual(b.peek('key:alice'), { day: utcDay(NOON), dayBytes: 3 * MB, stored: 3 * MB });
    assert.equal(b.peek('addr:1.2.3.4')?.stored, 5 * MB);
    await writeFile(file, '{"v":1,"entries":{"key:x":');
    const c = new QuotaLedger(file);
    await c.load();
    assert.equal(c.size, 0);
  });

  it('stays bounded, forgetting first the writers with nothing today and least stored', () => {
    const ledger = new QuotaLedger('/nonexistent/ledger.json');
    ledger.charge('key:old-small', 1, NOON - DAY);
    ledger.charge('key:old-big', 9 * MB, NOON - DAY);
    ledger.charge('key:today-small', 1, NOON);
    ledger.prune(NOON, 2);
    assert.equal(ledger.size, 2);
    assert.equal(ledger.peek('key:old-small'), undefined);
    assert.ok(ledger.peek('key:old-big'));
    assert.ok(ledger.peek('key:today-small'));
  });
});

describe('who pays for a write', () => {
  const pub = 'Ab-_12.Cd-_34';

  it('sorts souls the way SEA checks them', () => {
    assert.deepEqual(soulKind(`~${pub}/md1/c/chan`), { kind: 'user', pub });
    assert.deepEqual(soulKind(`~${pub}`), { kind: 'user', pub });
    assert.deepEqual(soulKind('#md1fabc'), { kind: 'content' });
    assert.deepEqual(soulKind('#md1inboxabc'), { kind: 'content' });
    assert.deepEqual(soulKind('~@alice'), { kind: 'other' });
    assert.deepEqual(soulKind('public-node'), { kind: 'other' });
  });

  it('sizes a put by soul, key and value (wire graph form and GUN single-key form)', () => {
    const value = 'x'.repeat(1000);
    const writes = soulWrites({
      '#md1fabc': { _: { '#': '#md1fabc', '>': { k1: 1 } }, k1: value },
      [`~${pub}/md1/c/x`]: { _: { '#': `~${pub}/md1/c/x`, '>': { a: 1, b: 1 } }, a: 'SEA{}', b: { '#': 'link' } },
    });
    assert.equal(writes.length, 2);
    assert.equal(writes[0]?.kind, 'content');
    assert.ok(writes[0]!.bytes >= 1000 + '#md1fabc'.length + 2, 'a value costs at least its characters');
    assert.equal(writes[1]?.pub, pub);
    const single = soulWrites({ '#': '#md1fabc', '.': 'k1', ':': value, '>': 1 });
    assert.equal(single[0]?.bytes, writes[0]?.bytes);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped client as IPv4', () => {
    assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002::9'), '2001:db8:1:2::/64');
  });

  it('takes the client address from the proxy only when told to, and then the last X-Forwarded-For entry', () => {
    const req = { headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.4' }, socket: { remoteAddress: '127.0.0.1' } };
    assert.equal(clientAddress(req, false), '127.0.0.1');
    assert.equal(clientAddress(req, true), '198.51.100.4');
    assert.equal(clientAddress({ headers: {}, socket: { remoteAddress: '127.0.0.1' } }, true), '127.0.0.1');
  });
});

describe('refusal wording', () => {
  it('has words for every code and reads codes back from the wire', () => {
    for (const code of Object.keys(REFUSAL_WORDS) as Array<keyof typeof REFUSAL_WORDS>) {
      assert.equal(refusalCode(refusalError(code)), code);
      assert.equal(refusalWords(refusalError(code)), REFUSAL_WORDS[code]);
    }
    assert.match(REFUSAL_WORDS['relay-full'], /This relay is full/);
    assert.match(REFUSAL_WORDS['quota-day'], /Your daily quota on this relay is used up/);
    assert.equal(refusalCode('meshdrop:no-such-code: x'), undefined, 'unknown codes fall back to the relay text');
    assert.equal(refusalCode('Data hash not same as hash!'), undefined);
    assert.equal(refusalWords('Data hash not same as hash!'), 'The relay refused this: Data hash not same as hash!');
  });
});

describe('disk budget', () => {
  it('measures the whole data folder, sub-folders (blobs) included', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'radisk-file'), Buffer.alloc(3000));
    await mkdir(join(dir, 'blobs', 'ab'), { recursive: true });
    await writeFile(join(dir, 'blobs', 'ab', 'blob1'), Buffer.alloc(5000));
    const sub = new Map<string, number>();
    assert.equal(await folderBytes(dir, sub), 8000);
    assert.equal(sub.get('blobs'), 5000);
    const budget = new DiskBudget(dir, { maxBytes: 10_000, reserveBytes: 0 });
    await budget.start();
    budget.stop();
    assert.equal(budget.used(), 8000);
    assert.equal(budget.usedIn('blobs'), 5000);
    assert.equal(budget.canStore(2000), true);
    assert.equal(budget.canStore(2001), false);
  });

  it('counts what was accepted before the next measure, and the measure then takes over', async () => {
    const dir = await scratch();
    const budget = new DiskBudget(dir, { maxBytes: 10_000, reserveBytes: 0 });
    await budget.measure();
    budget.add(6000);
    assert.equal(budget.used(), 6000);
    assert.equal(budget.canStore(4001), false, 'bytes accepted but not yet measured still count');
    await writeFile(join(dir, 'f'), Buffer.alloc(6000));
    await budget.measure();
    // Accepted within the last two seconds: kept counted on top of the measure (over-, not under-count).
    assert.equal(budget.used(), 12_000);
    assert.equal(budget.canStore(1), false);
  });

  it('never fills the file system past the reserve, whatever the budget', async () => {
    const dir = await scratch();
    const budget = new DiskBudget(dir, { maxBytes: 0, reserveBytes: Number.MAX_SAFE_INTEGER });
    await budget.measure();
    assert.equal(budget.canStore(1), false);
    const open = new DiskBudget(dir, { maxBytes: 0, reserveBytes: 0 });
    await open.measure();
    assert.equal(open.canStore(1), true);
  });

  it('does not lose the ledger file it shares the folder with', async () => {
    const dir = await scratch();
    const ledger = new QuotaLedger(join(dir, 'quota', 'ledger.json'));
    ledger.charge('key:a', 1, NOON);
    await ledger.save(NOON);
    const budget = new DiskBudget(dir, { maxBytes: 0, reserveBytes: 0 });
    await budget.measure();
    assert.equal(budget.usedIn('quota'), (await readFile(join(dir, 'quota', 'ledger.json'))).length);
  });
});
