/**
 * Answers GUN lexical range gets (`get: {'#': soul, '.': {'>': from, '<': to}, '%': bytes}`) from the relay's
 * memory when it holds the whole node. GUN's radisk adapter serves ranges from disk, but only until the node has
 * been read whole once (it then marks the node as in memory and skips the disk), and GUN's in-memory get path
 * ignores ranges: after anyone read a channel whole, a returning reader's "everything after my cursor" got no
 * answer at all. (Apps use ranges so a start does not replay a channel's whole history: core/chat-service.ts.)
 */

interface Peer {
  id?: string;
}

interface Node {
  _?: { '#'?: string; '>'?: Record<string, number> };
  [key: string]: unknown;
}

interface RangeMessage {
  '#'?: string;
  '@'?: unknown;
  get?: { '#'?: unknown; '.'?: unknown; '%'?: unknown };
}

interface Mesh {
  say(msg: unknown, peer?: Peer): unknown;
  hear: { one(msg: RangeMessage, peer: Peer, ...rest: unknown[]): unknown };
}

export interface RangeRoot {
  graph: Record<string, Node | undefined>;
  next?: Record<string, { rad?: unknown } | undefined>;
  opt: { mesh?: Mesh };
}

/** Most value characters in one answer (radisk's own cap). */
const MAX_BYTES = 100_000;

const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The keys of `node` inside the range, in order, up to `bytes` of values (at least one key). */
export function rangeOf(node: Node, range: { '>'?: unknown; '<'?: unknown }, bytes: number): string[] {
  const from = typeof range['>'] === 'string' ? range['>'] : undefined;
  const to = typeof range['<'] === 'string' ? range['<'] : undefined;
  const keys = Object.keys(node)
    .filter((k) => k !== '_' && (from === undefined || k >= from) && (to === undefined || k <= to))
    .sort();
  const out: string[] = [];
  let used = 0;
  for (const k of keys) {
    if (out.length > 0 && used >= bytes) break;
    const v = node[k];
    used += typeof v === 'string' ? v.length : 9;
    out.push(k);
  }
  return out;
}

export function installRangeAnswers(root: RangeRoot): void {
  const mesh = root.opt.mesh;
  if (!mesh) throw new Error('GUN mesh not initialised');
  const one = mesh.hear.one;
  mesh.hear.one = function (msg, peer, ...rest) {
    const get = msg?.get;
    const soul = get?.['#'];
    const range = get?.['.'];
    if (get && typeof soul === 'string' && isPlain(range) && ('>' in range || '<' in range) && !('-' in range) && msg['@'] === undefined && typeof msg['#'] === 'string') {
      const node = root.graph[soul];
      // Only when memory holds the whole node (it was read whole from disk): otherwise radisk answers the range.
      if (node && root.next?.[soul]?.rad) {
        const limit = typeof get['%'] === 'number' && get['%'] > 0 ? Math.min(get['%'], MAX_BYTES) : MAX_BYTES;
        const keys = rangeOf(node, range, limit);
        const states = node._?.['>'] ?? {};
        const part: Node = { _: { '#': soul, '>': {} } };
        for (const k of keys) {
          part[k] = node[k];
          part._!['>']![k] = states[k] ?? 0;
        }
        // Still passed on below: GUN subscribes the peer to later writes of the node (and relays ask each other).
        mesh.say({ '#': Math.random().toString(36).slice(2, 11), '@': msg['#'], put: { [soul]: part } }, peer);
      }
    }
    return one.call(this, msg, peer, ...rest);
  };
}
