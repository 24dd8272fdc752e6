// A local stand-in for a Web Push service (RFC 8030), checking what a real one checks before it accepts a push:
// a VAPID token (RFC 8292) signed with ES256 by the key it names, for this origin, expiring within 24 h; a TTL
// header; an aes128gcm body (RFC 8188) that decrypts with the subscription's private key and auth secret (RFC 8291,
// written here with node:crypto, independent of the relay's web-push library).
import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** What a browser's PushSubscription.toJSON() gives an app. */
export interface SubscriptionJson {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

/** A push the stand-in accepted, decrypted. */
export interface ReceivedPush {
  id: string;
  /** Plaintext the relay sent (what the device's service worker gets). */
  payload: string;
  ttl: number;
  urgency: string | undefined;
  /** The `k` of the VAPID header: the relay's public key. */
  vapidKey: string;
}

interface Device {
  ecdh: ECDH;
  auth: Buffer;
  /** The VAPID key the subscription was made with: pushes signed by another key get 403, as from a real one. */
  applicationServerKey?: string;
  /** Answer 404/410 instead of accepting (the subscription was revoked). */
  goneStatus?: 404 | 410;
}

const b64u = (b: Buffer) => b.toString('base64url');

function hkdf(salt: Buffer, ikm: Buffer, info: Buffer, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}

/** RFC 8291 + 8188 decryption of a single-record aes128gcm body. */
export function decryptAes128gcm(body: Buffer, ecdh: ECDH, auth: Buffer): string {
  const salt = body.subarray(0, 16);
  const idlen = body[20] as number;
  const asPublic = body.subarray(21, 21 + idlen);
  if (idlen !== 65) throw new Error(`keyid must be the 65-byte sender key, is ${idlen} bytes`);
  const ciphertext = body.subarray(21 + idlen);
  const uaPublic = ecdh.getPublicKey();
  const ecdhSecret = ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = hkdf(auth, ecdhSecret, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02 followed by zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('missing last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}

/** Checks `Authorization: vapid t=<JWT>, k=<key>`; returns k or throws with the reason. */
export function checkVapid(header: string | undefined, origin: string): string {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
  if (!m) throw new Error(`Authorization is not "vapid t=…, k=…": ${header}`);
  const [, jwt, k] = m as unknown as [string, string, string];
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; typ?: string };
  if (head.alg !== 'ES256') throw new Error(`JWT alg ${head.alg}`);
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { aud?: string; exp?: number; sub?: string };
  if (claims.aud !== origin) throw new Error(`JWT aud ${claims.aud} is not ${origin}`);
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 24 * 3600) throw new Error(`JWT exp ${claims.exp} not within 24 h`);
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) throw new Error(`JWT sub ${claims.sub}`);
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: 'jwk' });
  if (!verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))) throw new Error('JWT signature does not verify with k');
  return k;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The stand-in push service: make subscriptions on it, then read what it accepted (or rejected, and why). */
export class StandInPushService {
  readonly received: ReceivedPush[] = [];
  readonly rejected: string[] = [];
  private readonly devices = new Map<string, Device>();
  private readonly waiters = new Set<() => void>();
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<StandInPushService> {
    let self: StandInPushService | undefined;
    const server = createServer((req, res) => void self?.handle(req, res.writeHead.bind(res), () => res.end()));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    self = new StandInPushService(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /** A new device subscription (real P-256 key pair and 16-byte auth secret), bound to `applicationServerKey` if given. */
  subscribe(applicationServerKey?: string): SubscriptionJson {
    const id = randomBytes(12).toString('hex');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.devices.set(id, { ecdh, auth, applicationServerKey });
    return { endpoint: `${this.origin}/push/${id}`, expirationTime: null, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) } };
  }

  /** From now on the push service answers `status` for this subscription, as for a revoked one. */
  revoke(endpoint: string, status: 404 | 410): void {
    const device = this.devices.get(endpoint.split('/').pop() ?? '');
    if (device) device.goneStatus = status;
  }

  /** Pushes accepted for this endpoint. */
  pushesTo(endpoint: string): ReceivedPush[] {
    const id = endpoint.split('/').pop();
    return this.received.filter((p) => p.id === id);
  }

  /** Resolves when `cond` holds (checked after each request), or rejects after `timeoutMs`. */
  async waitFor(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (cond()) return;
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => (this.waiters.delete(check), fail(new Error(`stand-in push service: condition not met; rejected: ${this.rejected.join(' | ')}`))), timeoutMs);
      const check = () => {
        if (cond()) {
          clearTimeout(timer);
          this.waiters.delete(check);
          ok();
        }
      };
      this.waiters.add(check);
    });
  }

  private async handle(req: IncomingMessage, writeHead: (s: number) => unknown, end: () => void): Promise<void> {
    const id = /^\/push\/([0-9a-f]+)$/.exec(req.url ?? '')?.[1];
    const device = id ? this.devices.get(id) : undefined;
    const data = await body(req);
    const refuse = (status: number, why: string) => {
      this.rejected.push(why);
      writeHead(status);
      end();
    };
    try {
      if (req.method !== 'POST' || !id || !device) return refuse(404, `unknown subscription ${req.method} ${req.url}`);
      if (device.goneStatus) return refuse(device.goneStatus, `gone ${id}`);
      const vapidKey = checkVapid(req.headers.authorization, this.origin);
      if (device.applicationServerKey && vapidKey !== device.applicationServerKey) return refuse(403, `VAPID key ${vapidKey} is not the subscription's`);
      const ttl = req.headers.ttl;
      if (typeof ttl !== 'string' || !/^\d+$/.test(ttl)) return refuse(400, `TTL header missing or bad: ${String(ttl)}`);
      if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(415, `Content-Encoding ${req.headers['content-encoding']}`);
      const payload = decryptAes128gcm(data, device.ecdh, device.auth);
      this.received.push({ id, payload, ttl: Number(ttl), urgency: req.headers.urgency as string | undefined, vapidKey });
      writeHead(201);
      end();
    } catch (err) {
      refuse(400, (err as Error).message);
    } finally {
      for (const w of [...this.waiters]) w();
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}
