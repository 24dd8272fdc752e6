// A raw GUN wire client for hostile tests: plain `ws` frames, its own headers, and every ack it gets back.
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/** The ack a relay sent for one put. */
export interface RawAck {
  ok: boolean;
  err?: string;
}

/** A websocket speaking GUN's wire format directly. */
export class RawGunWriter {
  private readonly waiting = new Map<string, (ack: RawAck) => void>();
  private seq = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.hear(data.toString()));
  }

  /** Opens a connection to `gunUrl` (http://… or ws://…), optionally with extra request headers. */
  static async open(gunUrl: string, headers: Record<string, string> = {}): Promise<RawGunWriter> {
    const ws = new WebSocket(gunUrl.replace(/^http/, 'ws'), { headers });
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok());
      ws.once('error', fail);
    });
    return new RawGunWriter(ws);
  }

  private hear(raw: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
      const msg = m as { '@'?: string; err?: string };
      const done = msg['@'] !== undefined ? this.waiting.get(msg['@']) : undefined;
      if (!done) continue;
      this.waiting.delete(msg['@'] as string);
      done(msg.err ? { ok: false, err: typeof msg.err === 'string' ? msg.err : JSON.stringify(msg.err) } : { ok: true });
    }
  }

  /** Puts `value` under `key` of `soul`; resolves with the first ack, or `undefined` after `timeoutMs`. */
  put(soul: string, key: string, value: string, timeoutMs = 10_000): Promise<RawAck | undefined> {
    const id = `raw${process.pid}x${this.seq++}x${Math.random().toString(36).slice(2)}`;
    const msg = { '#': id, put: { [soul]: { _: { '#': soul, '>': { [key]: Date.now() } }, [key]: value } } };
    return new Promise((ok) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        ok(undefined);
      }, timeoutMs);
      this.waiting.set(id, (ack) => {
        clearTimeout(timer);
        ok(ack);
      });
      this.ws.send(JSON.stringify(msg), (err) => {
        if (err) {
          clearTimeout(timer);
          this.waiting.delete(id);
          ok(undefined);
        }
      });
    });
  }

  /** Puts `bytes` of random text content-addressed the way file chunks are (`#md1f<file>/<sha256 hex>`). */
  putRandomChunk(fileId: string, bytes: number, timeoutMs?: number): Promise<RawAck | undefined> {
    const value = randomBytes(Math.ceil(bytes / 2)).toString('hex').slice(0, bytes);
    const key = createHash('sha256').update(value).digest('hex');
    return this.put(`#md1f${fileId}`, key, value, timeoutMs);
  }

  /** Sends `n` small GUN gets of random souls as fast as the socket takes them (no acks awaited): a message flood. */
  async flood(n: number): Promise<void> {
    for (let i = 0; i < n; i++) this.ws.send(JSON.stringify({ '#': `flood${i}x${Math.random().toString(36).slice(2)}`, get: { '#': `junk${i}` } }));
    await new Promise<void>((ok) => this.ws.send('[]', () => ok()));
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws.terminate();
  }
}
