import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type GunModule from 'gun';
import { keepPeersDialed } from '../sync/redial.js';
import { installRouting, relayLinkUrl, RELAY_LINK_QUERY, type RoutableRoot } from './routing.js';
import { createStaticHandler } from './static-files.js';
import { installThrottle, type ThrottleStats } from './throttle.js';
import { DEFAULT_LIMITS } from './cli-options.js';
import { installForgeryFilter } from '../sync/forgery-filter.js';
import { DiskBudget } from './disk-budget.js';
import { QuotaLedger } from './quota.js';
import { installWriteGuard, addressKey, type GuardedPeer, type GuardStats } from './write-guard.js';
import { addScrapeSource, countBytesIn, countMessagesIn, metricsText, relayMetrics } from './metrics.js';
import { clientAddress, linkAddresses, type RequestLike } from './client-address.js';
import { startPush, type PushOptions, type RelayPush } from './push/index.js';
import { BlobStore, type StorageBudget } from './blob-store.js';
import { createBlobHandler } from './blob-http.js';
import { GraphStore, installGraphStore, type StorableRoot } from './graph-store.js';
import { migrateRadisk } from './graph-migrate.js';
import { createHistoryHandler } from './history-http.js';
import { DEFAULT_KEEP_FILES_MS, DEFAULT_MAX_BLOB_BYTES, DEFAULT_UPLOAD_QUOTA_BYTES } from './blob-options.js';

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
  /** Data folder: the graph (`nodes/`, graph-store.ts), blobs, the quota ledger, the VAPID key. */
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
  /** GET /history requests per second one address may make (history-http.ts DEFAULT_HISTORY_PER_SECOND; 0: no limit). */
  historyPerSecond?: number;
  /** Largest size of the data folder (graph, blobs, ledger) in bytes; 0 = only the file system's free space. */
  maxDiskBytes?: number;
  /** Bytes one signing key or connection may write per UTC day (0 = no limit). */
  quotaDayBytes?: number;
  /** Bytes one signing key or connection may have stored here in all (0 = no limit). */
  quotaStoredBytes?: number;
  /** Bytes all connections of one client address may write per UTC day (0 = no limit). */
  addressQuotaDayBytes?: number;
  /** Bytes one client address may have stored here in all (0 = no limit). */
  addressQuotaStoredBytes?: number;
  /** Client address from the last X-Forwarded-For entry (only behind a reverse proxy that sets it). */
  trustProxy?: boolean;
  /** Web Push sender (src/relay/push): on unless `enabled: false`. */
  push?: PushOptions;
  /** How long file blobs are kept after upload (default 30 days). */
  keepFilesMs?: number;
  /** Blob bytes one client address may upload per UTC day (default 10 GiB; 0 = unlimited). */
  uploadQuotaBytes?: number;
  /** Largest single blob accepted (default 8 MiB). */
  maxBlobBytes?: number;
  /** Folder for file blobs (default `<data>/blobs`; GUN keeps the graph in `<data>/graph`). */
  blobDir?: string;
  /** Disk budget the blob store asks before storing (the relay's --max-disk). */
  blobBudget?: StorageBudget;
}

export interface RunningRelay {
  readonly port: number;
  readonly url: string;
  /** Writes received but not yet on disk. */
  pendingWrites(): number;
  /** The data folder's budget (--max-disk): the blob store asks it before storing and calls `add` for what it stores. */
  readonly diskBudget: DiskBudget;
  /** The Web Push part, if enabled (tests read its stats and registrations). */
  readonly push?: RelayPush;
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
    ws?: {
      web?: {
        on(event: 'connection', cb: (wire: { meshdropRelay?: boolean; meshdropAddress?: string }, req: { url?: string } & RequestLike) => void): void;
      };
    };
  };
  on(event: 'put' | 'in', cb: (this: { to: { next(msg: GunWireMessage): void } }, msg: GunWireMessage) => void): void;
}

const FLUSH_TIMEOUT_MS = 5_000;
/** A chat user sends a few messages a second; a file is 1 message per 256 KiB chunk. */
export const DEFAULT_RATE_PER_CLIENT = 200;
/** How often the quota ledger is saved. */
const LEDGER_SAVE_MS = 10_000;

/**
 * Where a relay before graph-store.ts kept its graph with GUN's radisk: `<data>/graph`, or the data folder itself
 * for the oldest layout (radisk's root file `!` directly in it). Read once to copy it into the GraphStore.
 */
function radiskFolder(dataDir: string): string {
  return existsSync(join(dataDir, '!')) ? dataDir : join(dataDir, 'graph');
}

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
  let guard: GuardStats | undefined;
  let droppedReported = 0;
  const budget = new DiskBudget(dataDir, { maxBytes: options.maxDiskBytes ?? DEFAULT_LIMITS.maxDiskBytes });
  await budget.start();
  const ledger = new QuotaLedger(join(dataDir, 'quota', 'ledger.json'));
  await ledger.load();
  const metrics = relayMetrics();
  metrics.diskBudgetBytes.set(budget.maxBytes);
  const push = options.push?.enabled === false ? undefined : await startPush(dataDir, options.push);
  const blobs = await BlobStore.open({
    dir: resolve(options.blobDir ?? join(dataDir, 'blobs')),
    keepMs: options.keepFilesMs ?? DEFAULT_KEEP_FILES_MS,
    maxBlobBytes: options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES,
    uploadQuotaBytes: options.uploadQuotaBytes ?? DEFAULT_UPLOAD_QUOTA_BYTES,
    budget: options.blobBudget ?? budget,
  });
  const serveBlob = createBlobHandler({ store: blobs, peers: options.peers, clientOf: (req) => addressKey(clientAddress(req, options.trustProxy ?? false)) });
  const graph = new GraphStore(join(dataDir, 'nodes'));
  await graph.open();
  const migrated = await migrateRadisk(radiskFolder(dataDir), graph);
  const serveHistory = createHistoryHandler(graph, { clientOf: (req) => addressKey(clientAddress(req, options.trustProxy ?? false)), perSecond: options.historyPerSecond });
  if (migrated > 0) console.log(`meshdrop-relay: copied ${migrated} stored values from GUN's radisk into ${graph.folder}`);

  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      const peers = peersOf();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const open = peers.filter((p) => p.wire?.readyState === 1).length;
      const refused = guard?.refused;
      res.end(JSON.stringify({ ok: true, peers: peers.length, open, dropped: dropped(), forged: forgedWrites(), pendingWrites: pendingWrites(), refused, disk: { used: budget.used(), max: budget.maxBytes } }));
      return;
    }
    if (req.url === '/metrics') {
      const newlyDropped = dropped() - droppedReported;
      droppedReported += newlyDropped;
      if (newlyDropped > 0) metrics.refusals.inc({ reason: 'rate' }, newlyDropped);
      const blobs = budget.usedIn('blobs');
      const ledgerBytes = budget.usedIn('quota');
      metrics.storedBytes.set({ kind: 'graph' }, Math.max(0, budget.used() - blobs - ledgerBytes));
      metrics.storedBytes.set({ kind: 'blobs' }, blobs);
      metrics.storedBytes.set({ kind: 'other' }, ledgerBytes);
      metricsText().then(
        ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (push?.handle(req, res)) return;
    if (serveHistory(req, res)) return;
    if (req.url?.startsWith('/blob/')) {
      void serveBlob(req, res);
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
    // Graph storage is graph-store.ts (radisk lost acked writes); GUN's own adapters stay off.
    radisk: false,
    localStorage: false,
    rfs: false,
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
  installGraphStore(root as unknown as StorableRoot, graph);
  peersOf = () => Object.values(root.opt.peers ?? {});
  // As a "super" peer GUN only dials its --peers when it first has something to send them; dial now so the mesh
  // is up (and visible on /health) before clients arrive; then keep redialing any that goes away.
  for (const peer of Object.values(root.opt.peers)) root.opt.mesh?.hi(peer);
  const stopRedial = keepPeersDialed({ _: root }, meshPeers);
  // Mark links dialed by other Meshdrop relays (runs in the same tick as GUN's own handler, before any message).
  root.opt.ws?.web?.on('connection', (wire, req) => {
    if (req.url?.includes(RELAY_LINK_QUERY)) wire.meshdropRelay = true;
    wire.meshdropAddress = clientAddress(req, options.trustProxy ?? false);
  });
  if (options.routing !== 'broadcast') installRouting(root as unknown as RoutableRoot);
  // Writes into a user space signed by another key (GUN's unchecked '*' signer) are never stored or forwarded.
  let forged = 0;
  if (root.opt.mesh) installForgeryFilter(root.opt.mesh as unknown as Parameters<typeof installForgeryFilter>[0], (n) => {
      forged += n;
      metrics.refusals.inc({ reason: 'forged' }, n);
    });
  // Quotas and the disk budget (write-guard.ts). A link counts as a configured peer's if we dialed it, or if it
  // comes from an address one of our --peers resolves to; any other connection is charged like a client.
  const links = linkAddresses(options.peers);
  const trustedLink = (peer: GuardedPeer) =>
    Boolean(peer.url) || (Boolean(peer.wire?.meshdropRelay) && links.has(addressKey(peer.wire?.meshdropAddress ?? '')));
  if (root.opt.mesh) {
    guard = installWriteGuard(root as unknown as Parameters<typeof installWriteGuard>[0], root.opt.mesh as unknown as Parameters<typeof installWriteGuard>[1], {
      quotas: {
        writer: { day: options.quotaDayBytes ?? DEFAULT_LIMITS.quotaDayBytes, stored: options.quotaStoredBytes ?? DEFAULT_LIMITS.quotaStoredBytes },
        address: {
          day: options.addressQuotaDayBytes ?? DEFAULT_LIMITS.addressQuotaDayBytes,
          stored: options.addressQuotaStoredBytes ?? DEFAULT_LIMITS.addressQuotaStoredBytes,
        },
      },
      ledger,
      budget,
      metrics,
      trustedLink,
    });
  }
  const saveLedger = () => ledger.save().catch((err: unknown) => console.error('meshdrop-relay: cannot save the quota ledger:', err));
  const ledgerTimer = setInterval(() => void saveLedger(), LEDGER_SAVE_MS);
  ledgerTimer.unref();
  // Every `hear.one` wrapper goes on before the rate limit: it replaces `mesh.hear`, and GUN only calls its own `.one`.
  const peerKind = (p: unknown) => (Boolean((p as GuardedPeer)?.url) || Boolean((p as GuardedPeer)?.wire?.meshdropRelay) ? 'relay' : 'client');
  if (root.opt.mesh) countMessagesIn(root.opt.mesh as unknown as Parameters<typeof countMessagesIn>[0], peerKind);
  const rate = options.ratePerClient ?? DEFAULT_RATE_PER_CLIENT;
  const throttle: ThrottleStats = rate > 0 && root.opt.mesh ? installThrottle(root.opt.mesh, rate, trustedLink) : { dropped: 0 };
  if (root.opt.mesh) countBytesIn(root.opt.mesh as unknown as Parameters<typeof countBytesIn>[0], peerKind);

  // Listeners added after creation run after the store's own, and only for puts that passed SEA's checks.
  root.on('put', function (msg) {
    this.to.next(msg);
    // A new write (not a reply carrying '@', e.g. a disk read or another relay's answer) that changed the graph
    // (HAM fires 'put' per changed key only, so re-sent values push nothing): tell the push sender its soul.
    const soul = (msg.put as { '#'?: unknown } | undefined)?.['#'];
    if (push && msg['@'] === undefined && typeof soul === 'string') push.written(soul);
  });
  const removeScrape = addScrapeSource({
    messagesOut: () => (root.opt.mesh as unknown as { say?: { c?: number } } | undefined)?.say?.c ?? 0,
    bytesOut: () => (root.opt.mesh as unknown as { say?: { d?: number } } | undefined)?.say?.d ?? 0,
    connections: () => {
      const open = peersOf().filter((p) => p.wire?.readyState === 1) as GuardedPeer[];
      const relay = open.filter((p) => Boolean(p.url) || Boolean(p.wire?.meshdropRelay)).length;
      return { client: open.length - relay, relay };
    },
  });
  dropped = () => throttle.dropped;
  forgedWrites = () => forged;
  pendingWrites = () => graph.pendingWrites();

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    stopRedial();
    removeScrape();
    clearInterval(ledgerTimer);
    budget.stop();
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
    while (graph.pendingWrites() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await blobs.close();
    await stopped;
    await saveLedger();
    await push?.close();
  };

  return {
    port,
    url: `http://localhost:${port}`,
    pendingWrites: () => graph.pendingWrites(),
    diskBudget: budget,
    push,
    close: () => (closing ??= close()),
  };
}
