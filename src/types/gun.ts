/**
 * The small part of GUN's and SEA's API that Meshdrop uses, typed strictly.
 * GUN ships loose typings; keeping our own narrow surface stops `any` from leaking into the app.
 */

export interface SeaPair {
  pub: string;
  priv: string;
  epub: string;
  epriv: string;
}

export type SeaPublicKeys = Pick<SeaPair, 'pub' | 'epub'>;

export interface SeaApi {
  pair(): Promise<SeaPair>;
  sign(data: unknown, pair: SeaPair): Promise<string | undefined>;
  verify(data: unknown, pub: string | SeaPublicKeys): Promise<unknown>;
  encrypt(data: unknown, key: string | SeaPair): Promise<string | undefined>;
  decrypt(data: unknown, key: string | SeaPair): Promise<unknown>;
  secret(other: string | { epub: string }, pair: SeaPair): Promise<string | undefined>;
  work(data: unknown, salt?: unknown, cb?: null, opt?: { name?: 'SHA-256' | 'PBKDF2'; encode?: 'base64' | 'hex' | 'utf8'; iterations?: number }): Promise<string | undefined>;
  certify(certificants: string | string[], policy: unknown, authority: SeaPair, cb?: null, opt?: { expiry?: number }): Promise<string | undefined>;
}

export interface GunAck {
  err?: string;
  ok?: unknown;
  /** Set on GUN's own "Error: No ACK yet." after ~9 s without (enough) acks: nobody answered, nobody refused. */
  lack?: boolean;
}

export type GunPrimitive = string | number | boolean | null;
export type GunPutValue = GunPrimitive | { [key: string]: GunPrimitive | GunPutValue };

export interface GunPutOptions {
  opt?: { cert?: string };
  /** Acks the callback hears before GUN stops listening (GUN's default: only the first). */
  acks?: number;
}

export interface GunChain {
  get(key: string): GunChain;
  put(value: GunPutValue, cb?: (ack: GunAck) => void, opt?: GunPutOptions): GunChain;
  on(cb: (data: unknown, key: string) => void): GunChain;
  once(cb: (data: unknown, key: string) => void, opt?: { wait?: number }): GunChain;
  map(): GunChain;
  off(): void;
}

export interface GunUserChain extends GunChain {
  is?: { pub: string; epub: string };
  auth(pair: SeaPair, cb?: (ack: { err?: string }) => void): void;
  leave(): void;
}

export interface GunPeer {
  id?: string;
  url?: string;
  wire?: { readyState?: number; close?: () => void };
  /** GUN's pending reconnect timer. */
  defer?: ReturnType<typeof setTimeout>;
}

export interface GunOptions {
  peers?: string[];
  localStorage?: boolean;
  radisk?: boolean;
  file?: string;
  multicast?: boolean;
  axe?: boolean;
  stats?: boolean;
  web?: unknown;
  retry?: number;
  /** Node only: gun/lib/server.js defaults this to true (relay mode: lazy connect, no resubscribe on reconnect). */
  super?: boolean;
  /** Relay option: how the relay's websocket server is mounted. */
  ws?: { path?: string; maxPayload?: number };
}

export interface GunInstance extends GunChain {
  user(pub?: string): GunUserChain;
  opt(options: GunOptions): void;
  on(event: 'hi' | 'bye', cb: (peer: GunPeer) => void): GunChain;
  on(cb: (data: unknown, key: string) => void): GunChain;
  _: { opt: { peers: Record<string, GunPeer> } };
}

export interface GunFactory {
  (options?: GunOptions): GunInstance;
  SEA: SeaApi;
}
