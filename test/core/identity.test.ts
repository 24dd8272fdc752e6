import { expect } from '@esm-bundle/chai';
import {
  createIdentity,
  exportIdentityBackup,
  IdentityError,
  importIdentityBackup,
  validateDisplayName,
} from '../../src/core/identity.js';
import { rejection } from '../helpers/rejection.js';

describe('identity', () => {
  it('creates a SEA key pair with a trimmed display name', async () => {
    const id = await createIdentity('  Ada   Lovelace ');
    expect(id.name).to.equal('Ada Lovelace');
    expect(id.pair.pub).to.be.a('string').with.length.greaterThan(40);
    expect(id.pair.epriv).to.be.a('string');
  });

  it('rejects empty, overlong and control-character names with a message', () => {
    expect(() => validateDisplayName('   ')).to.throw(IdentityError, /enter a display name/);
    expect(() => validateDisplayName('x'.repeat(41))).to.throw(IdentityError, /at most 40/);
    expect(() => validateDisplayName('a\u0007b')).to.throw(IdentityError, /control characters/);
  });

  it('round-trips a passphrase-encrypted backup', async () => {
    const id = await createIdentity('Grace');
    const text = await exportIdentityBackup(id, 'correct horse battery');
    expect(text).not.to.contain(id.pair.priv);
    expect(text).not.to.contain('Grace');
    const back = await importIdentityBackup(text, 'correct horse battery');
    expect(back.pair).to.deep.equal(id.pair);
    expect(back.name).to.equal('Grace');
  });

  it('refuses a short passphrase on export', async () => {
    const id = await createIdentity('Grace');
    expect((await rejection(exportIdentityBackup(id, 'short'))).message).to.match(/at least 8/);
  });

  it('gives clear errors for a wrong passphrase, a tampered file and a non-backup', async () => {
    const id = await createIdentity('Grace');
    const text = await exportIdentityBackup(id, 'correct horse battery');
    expect((await rejection(importIdentityBackup(text, 'wrong passphrase'))).message).to.match(/Wrong passphrase/);
    const file = JSON.parse(text) as { data: string };
    const tampered = JSON.stringify({ ...JSON.parse(text), data: file.data.replace(/"ct":"(.)/, (_m, c: string) => `"ct":"${c === 'A' ? 'B' : 'A'}`) });
    expect((await rejection(importIdentityBackup(tampered, 'correct horse battery'))).message).to.match(/Wrong passphrase|damaged/);
    expect((await rejection(importIdentityBackup('not json', 'x'))).message).to.match(/not a Meshdrop backup/);
    expect((await rejection(importIdentityBackup('{"format":"other"}', 'x'))).message).to.match(/not a Meshdrop backup/);
  });
});
