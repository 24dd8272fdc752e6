// Issue 6.5 (relay side): a hostile raw client flooding junk and forged writes does not stop honest delivery.
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { cleanup, startRelay } from './harness.js';
import { closeAllGuns } from './gun-node.js';
import { RawGunWriter } from './raw-writer.js';
import { measureFlood } from '../../bench/lib/flood.js';
import { round } from '../../bench/lib/stats.js';

describe('relay under a junk flood', { timeout: 120_000 }, () => {
  after(async () => {
    closeAllGuns();
    await cleanup();
  });

  // No latency bound here: how fast honest messages go during a flood is measured in bench/ (bench/run.ts,
  // "relay flood"), not asserted against the clock of a shared machine. What is asserted holds at any speed: every
  // honest message arrives while the flood is still running, while the relay keeps dropping the flooder's excess.
  it('honest signed messages all arrive during the flood, and forged writes into a user space never show', async () => {
    const relay = await startRelay();
    const health = async () => (await (await fetch(`${relay.url}/health`)).json()) as { ok: boolean; dropped: number };
    const r = await measureFlood(relay.gunUrl, { count: 150, gapMs: 20, junkPerSecond: 3000, dropped: async () => (await health()).dropped });
    console.log(
      `  baseline p50 ${round(r.baseline.p50)} ms p99 ${round(r.baseline.p99)} ms; under flood of ${Math.round(r.junkPerSecond)} junk puts/s ` +
        `(${r.junkSent} total, ${r.forgedSent} forged): p50 ${round(r.underFlood.p50)} ms p99 ${round(r.underFlood.p99)} ms max ${round(r.underFlood.max)} ms`,
    );
    assert.equal(r.baseline.lost, 0, 'baseline lost messages');
    assert.equal(r.underFlood.lost, 0, 'messages lost during the flood');
    // The flood was more than the relay lets one client send, the whole time the honest messages went through.
    assert.ok((r.droppedDuringHonest ?? 0) > 0, `the per-client rate limit was not dropping the flood while honest messages went out (${r.droppedDuringHonest})`);
    assert.equal(r.forgedSeen, 0, 'a forged write into the user space reached a reader');
    const end = await health();
    assert.equal(end.ok, true);
    console.log(`  relay dropped ${end.dropped} of the hostile client's messages (per-client rate limit), ${r.droppedDuringHonest} while honest messages went out`);
  });

  it('a client that claims to be a relay link (?meshdrop-relay=1) is rate-limited like any client', async () => {
    // The relay has a configured peer (a closed port on another loopback address); the claim comes from 127.0.0.1.
    const relay = await startRelay({ peers: ['http://127.0.0.2:1/gun'], extraArgs: ['--no-app', '--rate', '20'] });
    const dropped = async () => ((await (await fetch(`${relay.url}/health`)).json()) as { dropped: number }).dropped;
    const liar = await RawGunWriter.open(`${relay.gunUrl}?meshdrop-relay=1`);
    await liar.flood(1000);
    // 1,000 messages against a budget of 100 at once and 20 per second: most are dropped, and the relay still answers.
    const end = Date.now() + 20_000;
    while ((await dropped()) < 500 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    liar.close();
    assert.ok((await dropped()) >= 500, `a self-declared relay link was not rate-limited (${await dropped()} of 1,000 dropped)`);
  });
});
