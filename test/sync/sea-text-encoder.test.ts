// SEA's faster encoder must give exactly the bytes of the platform's, and must not stay installed globally.
import { expect } from '@esm-bundle/chai';
import { SEA } from '../../src/sync/gun-runtime.js';
import { ChunkFriendlyTextEncoder } from '../../src/sync/sea-text-encoder.js';

describe('SEA text encoder', () => {
  it('encodes exactly like TextEncoder, ASCII or not, and is only SEA’s', async () => {
    expect(globalThis.TextEncoder).to.not.equal(ChunkFriendlyTextEncoder);
    const long = 'A'.repeat(5000);
    for (const text of ['', 'short', long, long + 'é', 'é' + long, long + '\ud800' + long, long + '😀']) {
      expect(Array.from(new ChunkFriendlyTextEncoder().encode(text)), text.slice(-3)).to.deep.equal(Array.from(new TextEncoder().encode(text)));
    }
    // SEA's content-address hash of a chunk-sized value is the value's SHA-256.
    const value = 'QUJD'.repeat(90_000);
    const hex = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))), (b) => b.toString(16).padStart(2, '0')).join('');
    const b64 = await SEA.work(value, null, null, { name: 'SHA-256' });
    expect(Array.from(atob(b64 ?? ''), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('')).to.equal(hex);
  });
});
