import type { IncomingMessage, ServerResponse } from 'node:http';
import { createPushHandler } from './http.js';
import { DEFAULT_REGISTRATION_LIMITS, RegistrationStore, type RegistrationLimits } from './registrations.js';
import { DEFAULT_PUSH_SENDER_OPTIONS, PushSender, type PushSenderOptions } from './sender.js';
import { loadOrCreateVapidKeys } from './vapid.js';

/** Relay options for Web Push (cli-options.ts fills them from --push-* flags). */
export interface PushOptions extends Partial<PushSenderOptions> {
  /** false turns the push API off (no VAPID keys made, /push/* answers 404). */
  enabled?: boolean;
  /** Accept http:// endpoints on loopback addresses: only for tests' stand-in push service. */
  insecureLoopback?: boolean;
  limits?: Partial<RegistrationLimits>;
}

/** The relay's Web Push part: VAPID keys, registrations, sender and HTTP API. */
export interface RelayPush {
  readonly publicKey: string;
  readonly store: RegistrationStore;
  readonly sender: PushSender;
  /** Handles /push/* requests; false for other URLs. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Tells the sender the relay stored a write to `soul`. */
  written(soul: string): void;
  close(): Promise<void>;
}

/** Loads (or creates) the VAPID keys and registrations in `dataDir` and builds the push API. */
export async function startPush(dataDir: string, options: PushOptions = {}): Promise<RelayPush> {
  const vapid = await loadOrCreateVapidKeys(dataDir);
  const store = await RegistrationStore.open(dataDir, { ...DEFAULT_REGISTRATION_LIMITS, ...options.limits }, options.insecureLoopback ?? false);
  const sender = new PushSender(store, vapid, {
    ...DEFAULT_PUSH_SENDER_OPTIONS,
    subject: options.subject ?? 'mailto:relay-operator@meshdrop.invalid',
    ...Object.fromEntries(Object.entries({ coalesceMs: options.coalesceMs, ttlSeconds: options.ttlSeconds, timeoutMs: options.timeoutMs }).filter(([, v]) => v !== undefined)),
  });
  const handle = createPushHandler(store, vapid.publicKey, () => ({ ...sender.stats }));
  return {
    publicKey: vapid.publicKey,
    store,
    sender,
    handle,
    written: (soul) => sender.written(soul),
    async close() {
      sender.close();
      await store.flush();
    },
  };
}
