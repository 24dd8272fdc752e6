import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import Gun from 'gun';
import 'gun/sea.js';
import { createStaticHandler } from './static-files.js';

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
}

export interface RunningRelay {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

interface GunPeerLike {
  wire?: { readyState?: number };
}

/** Starts one relay: a GUN peer with disk persistence, plus (optionally) the built app over HTTP. */
export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const serveApp = options.appDir ? createStaticHandler(resolve(options.appDir)) : undefined;
  const sockets = new Set<Socket>();
  let peersOf: () => GunPeerLike[] = () => [];

  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      const peers = peersOf();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok: true, peers: peers.length, open: peers.filter((p) => p.wire?.readyState === 1).length }));
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

  const gun = Gun({
    web: server,
    file: dataDir,
    radisk: true,
    peers: options.peers,
    // Never discover or route to peers other than the ones configured: the mesh is explicit.
    multicast: false,
    axe: false,
    stats: false,
    ws: { path: '/gun', maxPayload: options.maxMessageBytes },
  } as unknown as Parameters<typeof Gun>[0]);
  const root = (gun as unknown as { _: { opt: { peers: Record<string, GunPeerLike> } } })._;
  peersOf = () => Object.values(root.opt.peers ?? {});

  return {
    port,
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}
