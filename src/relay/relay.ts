import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import type GunModule from 'gun';
import { keepPeersDialed } from '../sync/redial.js';
import { installRangeAnswers, type RangeRoot } from './range-get.js';
import { installRouting, relayLinkUrl, RELAY_LINK_QUERY, type RoutableRoot } from './routing.js';
import { createStaticHandler } from './static-files.js';
import { installThrottle, type ThrottleStats } from './throttle.js';
import { installForgeryFilter } from '../sync/forgery-filter.js';

// Loaded with require at run time (not a hoisted import) so main.ts can quieten GUN's greeting first.
const require = createRequire(import.meta.url);
// Outside browsers SEA takes its TextEncoder from a pure-JS polyfill, which made hashing one 350 KB file chunk (every
// signed put is verified, every content-addressed put hashed) cost ~200 ms of the relay's only thread. Node's own
// (WHATWG) encoder gives the same bytes; swap it in before SEA (loaded by GUN's server entry) reads the polyfill.
const textEncoding = require('gun/lib/text-encoding') as { TextEncoder: unknown; TextDecoder: unknown };
textEncoding.TextEncoder = TextEncoder;
textEncoding.TextDecoder = TextDecoder;
const Gun = require('gun') as typeof GunModule;
require('gun/sea.js');

export interface RelayOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** Folder where GUN persists the graph (radisk). */
  dataDir: string;
  /** Other relays to mesh with, as ws(s)://host:port/gun or http(s)://host:port/gun URLs. */
  peers: string[];
  /** Built app to serve; omitted for a data-only relay. */
  appDir?: string;
  /** Largest websocket message accepted, in bytes: bounds what one peer can make the relay hold at once. */
  maxMessageBytes: number;
  /** 'subscribed' (default): forward writes only to peers that asked for them; 'broadcast': GUN's default. */
  routing?: 'subscribed' | 'broadcast';
  /** Messages per second one client connection may send (burst 5×); 0 = unlimited. Relay links are exempt. */
  ratePerClient?: number;
}

export interface RunningRelay {
  readonly port: number;
  readonly url: string;
  /** Writes received but not yet on disk (radisk batches writes for ~250 ms before acking them). */
  pendingWrites(): number;
  /** Stops accepting data, closes mesh links, and resolves once every received write is on disk (or after 5 s). */
  close(): Promise<void>;
}

interface GunPeerLike {
  wire?: { readyState?: number; close?: () => void };
  defer?: ReturnType<typeof setTimeout>;
}

interface GunWireMessage {
  '#'?: unknown;
  '@'?: unknown;
  put?: unknown;
  _?: { rad?: unknown };
}

interface GunRootInternals {
  opt: {
    peers: Record<string, GunPeerLike>;
    mesh?: { hi(peer: GunPeerLike): void; hear: Parameters<typeof installThrottle>[0]['hear'] };
    ws?: { web?: { on(event: 'connection', cb: (wire: { meshdropRelay?: boolean }, req: { url?: string }) => void): void } };
  };
  on(event: 'put' | 'in', cb: (this: { to: { next(msg: GunWireMessage): void } }, msg: GunWireMessage) => void): void;
}

const FLUSH_TIMEOUT_MS = 5_000;
/** A chat user sends a few messages a second; a file is 1 message per 256 KiB chunk. */
export const DEFAULT_RATE_PER_CLIENT = 200;

/** Starts one relay: a GUN peer with disk persistence, plus (optionally) the built app over HTTP. */
export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const serveApp = options.appDir ? createStaticHandler(resolve(options.appDir)) : undefined;
  const sockets = new Set<Socket>();
  let peersOf: () => GunPeerLike[] = () => [];
  let dropped = () => 0;
  let forgedWrites = () => 0;
  let pendingWrites = () => 0;

  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      const peers = peersOf();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const open = peers.filter((p) => p.wire?.readyState === 1).length;
      res.end(JSON.stringify({ ok: true, peers: peers.length, open, dropped: dropped(), forged: forgedWrites(), pendingWrites: pendingWrites() }));
      return;
    }
    if (serveApp) {
      serveApp(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    res.writeHead(404).end('This relay serves no app');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  const meshPeers = options.peers.map(relayLinkUrl);
  const gun = Gun({
    web: server,
    file: dataDir,
    radisk: true,
    peers: meshPeers,
    // The mesh is explicit: no UDP multicast discovery of LAN peers.
    multicast: false,
    // AXE (GUN's routing layer) drops puts unless a peer subscribed through it, and with it on two meshed relays
    // stop exchanging data at all (seen here; also amark/gun#1387). Without it every relay forwards every message
    // to its other peers (GUN dedups by message id), which is what a small explicit mesh needs.
    axe: false,
    stats: false,
    ws: { path: '/gun', maxPayload: options.maxMessageBytes },
  } as unknown as Parameters<typeof Gun>[0]);
  const root = (gun as unknown as { _: GunRootInternals })._;
  peersOf = () => Object.values(root.opt.peers ?? {});
  // As a "super" peer GUN only dials its --peers when it first has something to send them; dial now so the mesh
  // is up (and visible on /health) before clients arrive; then keep redialing any that goes away.
  for (const peer of Object.values(root.opt.peers)) root.opt.mesh?.hi(peer);
  const stopRedial = keepPeersDialed({ _: root }, meshPeers);
  // Mark links dialed by other Meshdrop relays (runs in the same tick as GUN's own handler, before any message).
  root.opt.ws?.web?.on('connection', (wire, req) => {
    if (req.url?.includes(RELAY_LINK_QUERY)) wire.meshdropRelay = true;
  });
  if (options.routing !== 'broadcast') installRouting(root as unknown as RoutableRoot);
  installRangeAnswers(root as unknown as RangeRoot);
  // Writes into a user space signed by another key (GUN's unchecked '*' signer) are never stored or forwarded.
  let forged = 0;
  if (root.opt.mesh) installForgeryFilter(root.opt.mesh as unknown as Parameters<typeof installForgeryFilter>[0], (n) => (forged += n));
  const rate = options.ratePerClient ?? DEFAULT_RATE_PER_CLIENT;
  const throttle: ThrottleStats = rate > 0 && root.opt.mesh ? installThrottle(root.opt.mesh, rate) : { dropped: 0 };

  // Count writes between GUN's store receiving them and radisk acking them, so shutdown can wait for the disk.
  // Listeners added after creation run after the store's own, and only for puts that passed SEA's checks.
  const pending = new Set<string>();
  root.on('put', function (msg) {
    this.to.next(msg);
    if (!msg._?.rad && msg['#'] !== undefined) pending.add(String(msg['#']));
  });
  root.on('in', function (msg) {
    this.to.next(msg);
    if (msg['@'] !== undefined) pending.delete(String(msg['@']));
  });

  dropped = () => throttle.dropped;
  forgedWrites = () => forged;
  pendingWrites = () => pending.size;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    stopRedial();
    // Mesh links: GUN reconnects any peer still listed, so unlist before closing.
    for (const [id, peer] of Object.entries(root.opt.peers)) {
      delete root.opt.peers[id];
      if (peer.defer) clearTimeout(peer.defer);
      try {
        peer.wire?.close?.();
      } catch {
        /* already closed */
      }
    }
    const stopped = new Promise<void>((ok) => server.close(() => ok()));
    for (const s of sockets) s.destroy();
    const deadline = Date.now() + FLUSH_TIMEOUT_MS;
    while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await stopped;
  };

  return {
    port,
    url: `http://localhost:${port}`,
    pendingWrites: () => pending.size,
    close: () => (closing ??= close()),
  };
}
