import { expect } from '@esm-bundle/chai';
import { normaliseRelayList, normaliseRelayUrl, RelayUrlError, relaysInUse } from '../../src/core/relays.js';

describe('relay addresses', () => {
  it('normalises the forms people type to the GUN websocket URL', () => {
    expect(normaliseRelayUrl('relay.example.org')).to.equal('https://relay.example.org/gun');
    expect(normaliseRelayUrl('http://127.0.0.1:8765')).to.equal('http://127.0.0.1:8765/gun');
    expect(normaliseRelayUrl('wss://r.example.org/gun/')).to.equal('https://r.example.org/gun');
    expect(normaliseRelayUrl('ws://localhost:9000/mesh')).to.equal('http://localhost:9000/mesh/gun');
  });

  it('rejects bad addresses with a clear message', () => {
    expect(() => normaliseRelayUrl('')).to.throw(RelayUrlError, /Enter a relay address/);
    expect(() => normaliseRelayUrl('ftp://x.org')).to.throw(RelayUrlError, /http, https, ws or wss/);
    expect(() => normaliseRelayUrl('http://[nope')).to.throw(RelayUrlError, /not a valid address/);
    expect(() => normaliseRelayUrl('https://u:p@x.org')).to.throw(RelayUrlError, /user name/);
  });

  it('dedupes lists and refuses empty or huge ones', () => {
    expect(normaliseRelayList(['a.org', 'https://a.org/gun', ' '])).to.deep.equal(['https://a.org/gun']);
    expect(() => normaliseRelayList([])).to.throw(RelayUrlError, /at least one/);
    expect(() => normaliseRelayList(Array.from({ length: 9 }, (_, i) => `r${i}.org`))).to.throw(RelayUrlError, /At most 8/);
  });

  it('uses the saved relay list, else the defaults (what the app and its service worker connect to)', () => {
    const defaults = ['http://127.0.0.1:1/gun'];
    expect(relaysInUse(['https://a.example/gun'], defaults)).to.deep.equal(['https://a.example/gun']);
    expect(relaysInUse([], defaults)).to.deep.equal(defaults);
    expect(relaysInUse(undefined, defaults)).to.deep.equal(defaults);
    expect(relaysInUse('https://a.example/gun', defaults)).to.deep.equal(defaults);
  });
});
