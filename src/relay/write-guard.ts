/**
 * Refuses graph writes that would break a quota or the disk budget, before GUN parses them into its graph (and
 * long before the graph store writes anything), and tells the writer why with an error ack `{'@': <put id>, err}`.
 *
 * Who pays for a write (see quota.ts):
 *  - a signing key pays for what is written into its `~<pub>` space, counted after SEA verified the signature
 *    (so nobody can use up someone else's quota with forged writes); a key over quota is refused up front;
 *  - a client connection pays for its anonymous writes (`#…` content-addressed and other unsigned souls);
 *  - a client address pays for everything its connections write (keys cost nothing to make);
 *  - links from configured peer relays carry many users: their writes are attributed to the signer for `~`
 *    souls and, being checked at the relay the client wrote to, to nobody else; the disk budget bounds them all.
 * Answers to reads this relay forwarded (acks carrying data) over such links pass, so reads keep working across
 * a mesh; over client connections they count like any write (a client has no business answering).
 */
import { userSpaceOf } from '../sync/forgery-filter.js';
import { refusalError, type RefusalCode } from '../sync/relay-refusals.js';
import type { DiskBudget } from './disk-budget.js';
import type { RelayMetrics } from './metrics.js';
import { emptyUsage, overQuota, charge, type QuotaLedger, type QuotaLimit, type Usage } from './quota.js';

/** Quotas of one relay (0 = no limit). */
export interface QuotaOptions {
  /** Per signing key and per connection. */
  writer: QuotaLimit;
  /** Per client address (an IPv6 client's /64 counts as one address). */
  address: QuotaLimit;
}

export interface GuardedPeer {
  url?: string;
  wire?: { meshdropRelay?: boolean; meshdropAddress?: string } | null;
  /** This connection's anonymous writes. */
  quota?: Usage;
}

interface Hear {
  one(msg: GuardedMessage, peer: GuardedPeer, ...rest: unknown[]): unknown;
}

interface GuardedMessage {
  '#'?: unknown;
  '@'?: unknown;
  put?: unknown;
}

interface GuardMesh {
  hear: Hear;
  say(msg: Record<string, unknown>, peer?: GuardedPeer): unknown;
}

interface GuardRoot {
  dup: { s: Record<string, unknown> };
  on(event: 'put', cb: (this: { to: { next(msg: unknown): void } }, msg: PerKeyPut) => void): void;
}

/** GUN's per key/value put, after SEA's checks. */
interface PerKeyPut {
  put: { '#': string; '.': string; ':': unknown };
  _?: { rad?: unknown; via?: GuardedPeer };
}

/** What a soul is, for quotas and metrics: the same order of tests as SEA's own checks. */
export type SoulKind = 'user' | 'content' | 'other';

/** One soul's share of a put. */
export interface SoulWrite {
  soul: string;
  kind: SoulKind;
  /** The signing key that owns a `user` soul. */
  pub?: string;
  bytes: number;
}

/** Bytes a stored key/value costs beyond its characters (state, the store's line framing): counted so quotas over-, not under-count. */
const PER_KEY_OVERHEAD = 64;

/** Size of a value as stored (strings by length; links and numbers by their JSON). */
function valueBytes(v: unknown): number {
  if (typeof v === 'string') return v.length;
  try {
    return JSON.stringify(v)?.length ?? 4;
  } catch {
    return 4;
  }
}

/** Kind and owner of a soul. */
export function soulKind(soul: string): { kind: SoulKind; pub?: string } {
  if (soul.startsWith('~@')) return { kind: 'other' };
  const pub = userSpaceOf(soul);
  if (pub) return { kind: 'user', pub };
  if (soul.includes('#')) return { kind: 'content' };
  return { kind: 'other' };
}

/** What a put writes, soul by soul, with its size (wire graph form `{soul: node}`, or GUN's single-key form). */
export function soulWrites(put: Record<string, unknown>): SoulWrite[] {
  if (typeof put['#'] === 'string') {
    const soul = put['#'];
    const key = typeof put['.'] === 'string' ? put['.'] : '';
    return [{ soul, ...soulKind(soul), bytes: soul.length + key.length + valueBytes(put[':']) + PER_KEY_OVERHEAD }];
  }
  const out: SoulWrite[] = [];
  for (const [soul, node] of Object.entries(put)) {
    if (typeof node !== 'object' || node === null) continue;
    let bytes = 0;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key === '_') continue;
      bytes += soul.length + key.length + valueBytes(value) + PER_KEY_OVERHEAD;
    }
    out.push({ soul, ...soulKind(soul), bytes });
  }
  return out;
}

/** The address quotas are kept under: IPv4 as is, IPv6 by its /64 (one host usually gets a whole /64). */
export function addressKey(address: string): string {
  const a = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  if (!a.includes(':')) return a;
  const full = expandIpv6(a);
  return full ? `${full.slice(0, 4).join(':')}::/64` : a;
}

function expandIpv6(a: string): string[] | undefined {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  if (tail === undefined && h.length !== 8) return undefined;
  const fill = Array<string>(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((x) => x.toLowerCase().replace(/^0+(?=.)/, ''));
}

export interface GuardStats {
  refused: Record<RefusalCode, number>;
}

export interface WriteGuardOptions {
  quotas: QuotaOptions;
  ledger: QuotaLedger;
  budget: DiskBudget;
  metrics?: RelayMetrics;
  /** True for a link from a configured peer relay (its writes carry many users). */
  trustedLink(peer: GuardedPeer): boolean;
  /** Clock, for tests. */
  now?: () => number;
}

/** Installs the guard in front of GUN's per-message handler and the signer accounting after SEA's checks. */
export function installWriteGuard(root: GuardRoot, mesh: GuardMesh, options: WriteGuardOptions): GuardStats {
  const { quotas, ledger, budget, metrics, trustedLink } = options;
  const now = options.now ?? Date.now;
  const stats: GuardStats = { refused: { 'relay-full': 0, 'quota-day': 0, 'quota-stored': 0 } };

  // A refusal is acked to the client that wrote. Not to a peer relay: that relay stored the write and acked it to
  // its client already, and GUN hands a put's callback only the first ack by default, so our refusal arriving first
  // would make a stored write look refused. It shows in our /health and /metrics instead.
  const refuse = (msg: GuardedMessage, peer: GuardedPeer, code: RefusalCode, link: boolean) => {
    stats.refused[code]++;
    metrics?.refusals.inc({ reason: code });
    if (!link && msg['#'] !== undefined && msg['@'] === undefined) mesh.say({ '@': msg['#'], err: refusalError(code) }, peer);
    return undefined;
  };

  const one = mesh.hear.one;
  mesh.hear.one = function (msg, peer, ...rest) {
    const put = msg?.put;
    if (!peer || typeof put !== 'object' || put === null) return one.call(this, msg, peer, ...rest);
    const link = trustedLink(peer);
    const writes = soulWrites(put as Record<string, unknown>);
    const total = writes.reduce((n, w) => n + w.bytes, 0);
    const t = now();
    const readAnswer = link && msg['@'] !== undefined && root.dup.s[String(msg['@'])] !== undefined;
    if (!readAnswer) {
      if (!budget.canStore(total)) return refuse(msg, peer, 'relay-full', link);
      const perKey = new Map<string, number>();
      for (const w of writes) if (w.pub) perKey.set(w.pub, (perKey.get(w.pub) ?? 0) + w.bytes);
      for (const [pub, bytes] of perKey) {
        const why = overQuota(ledger.peek(`key:${pub}`), quotas.writer, bytes, t);
        if (why) return refuse(msg, peer, why, link);
      }
      if (!link) {
        const anonymous = writes.reduce((n, w) => n + (w.kind === 'user' ? 0 : w.bytes), 0);
        const conn = (peer.quota ??= emptyUsage(t));
        const addrId = `addr:${addressKey(peer.wire?.meshdropAddress ?? 'unknown')}`;
        const why = (anonymous > 0 ? overQuota(conn, quotas.writer, anonymous, t) : undefined) ?? overQuota(ledger.peek(addrId), quotas.address, total, t);
        if (why) return refuse(msg, peer, why, false);
        if (anonymous > 0) charge(conn, anonymous, t);
        ledger.charge(addrId, total, t);
      }
    }
    budget.add(total);
    if (metrics) for (const w of writes) metrics.writes.inc({ soul: w.kind });
    return one.call(this, msg, peer, ...rest);
  };

  // Signers pay once SEA has verified their write (per key/value; GUN emits nothing for a value it already has).
  root.on('put', function (msg) {
    this.to.next(msg);
    if (msg._?.rad) return;
    const soul = msg.put?.['#'];
    if (typeof soul !== 'string') return;
    const pub = soulKind(soul).pub;
    if (!pub) return;
    const bytes = soul.length + String(msg.put['.']).length + valueBytes(msg.put[':']) + PER_KEY_OVERHEAD;
    ledger.charge(`key:${pub}`, bytes, now());
  });
  return stats;
}
