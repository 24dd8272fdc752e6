// GUN 0.2020's SEA lets anyone write into anyone's user space by naming their own key as signer ('*') without a
// certificate. These tests speak the wire protocol from the attacker's side against a real relay.
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { cleanup, startRelay, type RelayProcess } from './harness.js';
import { closeAllGuns, nodeGun, putAcked, SEA, sleep } from './gun-node.js';
import type { SeaPair } from '../../src/types/gun.js';

let relay: RelayProcess;
before(async () => {
  relay = await startRelay();
});
after(async () => {
  closeAllGuns();
  await cleanup();
});

type RawSign = (data: unknown, pair: SeaPair, cb: null, opt: { raw: 1 }) => Promise<{ s: string }>;

/** A value for `soul`.`key` signed by `signer` and naming `signer` as the author (the '*' field). */
async function foreignSigned(soul: string, key: string, value: unknown, state: number, signer: SeaPair): Promise<string> {
  const { s } = await (SEA.sign as unknown as RawSign)({ '#': soul, '.': key, ':': value, '>': state }, signer, null, { raw: 1 });
  return JSON.stringify({ ':': value, '~': s, '*': signer.pub });
}

/** Sends raw GUN messages on one websocket and collects every reply for `waitMs`. */
async function sendRaw(url: string, messages: unknown[], waitMs = 1500): Promise<string[]> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'));
  await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
  const replies: string[] = [];
  ws.on('message', (d: Buffer) => replies.push(String(d)));
  for (const m of messages) ws.send(JSON.stringify(m));
  await sleep(waitMs);
  ws.close();
  return replies;
}

function read(soul: string, key: string): Promise<unknown> {
  const reader = nodeGun([relay.gunUrl]);
  return new Promise((ok) => reader.gun.get(soul).get(key).once((v: unknown) => (reader.close(), ok(v)), { wait: 2500 }));
}

test("writes into someone's space signed by another key are refused, stored nowhere and change nothing", async () => {
  const alice = await SEA.pair();
  const mallory = await SEA.pair();
  const writer = nodeGun([relay.gunUrl]);
  await new Promise<void>((ok, fail) => writer.gun.user().auth(alice, (ack) => (ack.err ? fail(new Error(ack.err)) : ok())));
  const envelopes = `~${alice.pub}/md1/c/chan`;
  await putAcked(writer.gun.get(envelopes).get('m1'), 'honest envelope');

  const receipts = `~${alice.pub}/md1/r/chan/${mallory.pub}`;
  const now = Date.now() + 1000; // newer than Alice's write, so it would win GUN's conflict resolution
  const forgedReceipt = await foreignSigned(receipts, 'm9', 1, now, mallory);
  const overwrite = await foreignSigned(envelopes, 'm1', 'junk', now, mallory);
  const replies = await sendRaw(relay.gunUrl, [
    { '#': 'forge-receipt', put: { [receipts]: { _: { '#': receipts, '>': { m9: now } }, m9: forgedReceipt } } },
    { '#': 'forge-overwrite', put: { [envelopes]: { _: { '#': envelopes, '>': { m1: now } }, m1: overwrite } } },
  ]);
  assert.ok(!replies.some((r) => /"@":"forge-/.test(r) && r.includes('"ok"')), `the relay acked a forged write: ${replies.join(' ')}`);

  assert.equal(await read(receipts, 'm9'), undefined, 'forged receipt is not served');
  assert.equal(await read(envelopes, 'm1'), 'honest envelope', "Alice's envelope is not overwritten");
  const health = (await (await fetch(`${relay.url}/health`)).json()) as { ok: boolean; forged: number };
  assert.equal(health.ok, true);
  assert.ok(health.forged >= 2, `relay counted ${health.forged} forged values`);

  // Honest traffic still flows after the attack.
  await putAcked(writer.gun.get(envelopes).get('m2'), 'after the attack');
  assert.equal(await read(envelopes, 'm2'), 'after the attack');
  writer.close();
});
