// Received puts are passed on only to other peers, and not serialised at all when there is no other peer.
import { expect } from '@esm-bundle/chai';
import { skipEchoes } from '../../src/sync/no-echo.js';
import type { GunPeer } from '../../src/types/gun.js';

describe('skipEchoes', () => {
  it('routes a message to every peer but the one it came from, and drops it when none is left', () => {
    const said: { msg: unknown; to?: Record<string, GunPeer> }[] = [];
    const a: GunPeer = { id: 'a' };
    const b: GunPeer = { id: 'b' };
    const root = { opt: { peers: { a } as Record<string, GunPeer>, mesh: { say: (msg: unknown, to?: Record<string, GunPeer>) => said.push({ msg, to }) } as { say(m: unknown, p?: Record<string, GunPeer>): unknown; way?: (m: { _?: { via?: unknown } }) => unknown } } };
    skipEchoes(root);
    const way = root.opt.mesh.way!;
    way({ _: { via: a } }); // the only relay sent it: nowhere to go
    expect(said).to.have.length(0);
    way({}); // my own write: to every relay
    expect(said.at(-1)?.to).to.deep.equal({ a });
    root.opt.peers.b = b;
    way({ _: { via: a } }); // from one relay: on to the others, as GUN would
    expect(said.at(-1)?.to).to.deep.equal({ b });
  });
});
