// Hostile writer for relay-quota.test.ts, in a worker thread so its CPU use does not slow the honest clients.
// Opens `connections` raw GUN websockets (all with the same X-Forwarded-For address) and, on each, writes random
// content-addressed values (`#md1f<file>/<sha256>`, valid by GUN's rules) as fast as the relay answers, keeping
// `inFlight` puts outstanding, until `durationMs` is up. Reports every ack it got.
import { parentPort, workerData } from 'node:worker_threads';
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';

const { gunUrl, headers, connections, durationMs, valueBytes, inFlight } = workerData;
const result = { okAcks: 0, okBytes: 0, refused: 0, errors: {}, unanswered: 0, sent: 0, closed: 0 };
const end = Date.now() + durationMs;
let seq = 0;

async function writer(n) {
  const ws = new WebSocket(gunUrl.replace(/^http/, 'ws'), { headers });
  await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
  const waiting = new Map();
  ws.on('message', (data) => {
    let parsed;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      return;
    }
    for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
      const done = waiting.get(m['@']);
      if (done) {
        waiting.delete(m['@']);
        done(m);
      }
    }
  });
  ws.on('close', () => {
    result.closed++;
    for (const done of waiting.values()) done(undefined);
    waiting.clear();
  });
  const one = () =>
    new Promise((ok) => {
      const value = randomBytes(valueBytes / 2).toString('hex');
      const key = createHash('sha256').update(value).digest('hex');
      const soul = `#md1fhostile${n}x${seq}`;
      const id = `h${n}x${seq++}`;
      const timer = setTimeout(() => (waiting.delete(id), ok(undefined)), 10_000);
      waiting.set(id, (ack) => (clearTimeout(timer), ok(ack)));
      result.sent++;
      ws.send(JSON.stringify({ '#': id, put: { [soul]: { _: { '#': soul, '>': { [key]: Date.now() } }, [key]: value } } }));
    });
  const lane = async () => {
    while (Date.now() < end && ws.readyState === WebSocket.OPEN) {
      const ack = await one();
      if (!ack) result.unanswered++;
      else if (ack.err) {
        result.refused++;
        result.errors[ack.err] = (result.errors[ack.err] ?? 0) + 1;
      } else {
        result.okAcks++;
        result.okBytes += valueBytes;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  ws.terminate();
}

await Promise.all(Array.from({ length: connections }, (_, n) => writer(n)));
parentPort.postMessage(result);
