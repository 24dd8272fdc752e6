import webpush from 'web-push';
import { Counter, register } from 'prom-client';
import type { RegistrationStore } from './registrations.js';
import { channelOfSoul, type StoredSubscription } from './subscription.js';
import type { VapidKeys } from './vapid.js';

/** How the relay sends pushes. */
export interface PushSenderOptions {
  /** VAPID `sub` claim: a mailto: or https: contact for push services. */
  subject: string;
  /** At most one push per subscription and chat within this many ms. */
  coalesceMs: number;
  /** Seconds a push service keeps an undelivered push (the device may be offline). */
  ttlSeconds: number;
  /** Give up on a push service that has not answered after this many ms. */
  timeoutMs: number;
}

/** Defaults: a notification for a message older than a day is not worth waking a phone for. */
export const DEFAULT_PUSH_SENDER_OPTIONS: Omit<PushSenderOptions, 'subject'> = { coalesceMs: 10_000, ttlSeconds: 24 * 3600, timeoutMs: 10_000 };

/** The payload, before the push service encryption: only the opaque channel id the relay already saw in the soul. */
export interface PushPayload {
  v: 1;
  c: string;
}

type Result = 'sent' | 'coalesced' | 'gone' | 'failed';

// One counter on prom-client's default registry, shared by every relay in the process (tests start several).
const sends =
  (register.getSingleMetric('meshdrop_push_sends_total') as Counter<'result'> | undefined) ??
  new Counter({ name: 'meshdrop_push_sends_total', help: 'Web Push sends by result (sent, coalesced, gone, failed)', labelNames: ['result'] });

/**
 * Sends one Web Push (RFC 8030/8291 through `web-push`, VAPID signed) to every registration following a soul that
 * was just written, coalesced per subscription and chat, and drops registrations whose push service answers 404/410.
 */
export class PushSender {
  private readonly lastSent = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private sweep: ReturnType<typeof setInterval>;
  /** Counts by result, for /health and tests. */
  readonly stats: Record<Result, number> = { sent: 0, coalesced: 0, gone: 0, failed: 0 };

  constructor(
    private readonly store: RegistrationStore,
    private readonly vapid: VapidKeys,
    private readonly options: PushSenderOptions,
  ) {
    // Forget coalescing marks once their interval is over, so the map stays as small as the recent traffic.
    this.sweep = setInterval(() => {
      const cutoff = Date.now() - this.options.coalesceMs;
      for (const [k, t] of this.lastSent) if (t <= cutoff) this.lastSent.delete(k);
    }, Math.max(1000, this.options.coalesceMs));
    this.sweep.unref();
  }

  private count(result: Result): void {
    this.stats[result]++;
    sends.inc({ result });
  }

  /** Called for each soul the relay stored a write to. */
  written(soul: string): void {
    const channel = channelOfSoul(soul);
    if (!channel) return;
    const now = Date.now();
    for (const reg of this.store.following(soul)) {
      const key = `${reg.subscription.endpoint}\n${channel}`;
      const last = this.lastSent.get(key);
      if (last !== undefined && now - last < this.options.coalesceMs) {
        this.count('coalesced');
        continue;
      }
      this.lastSent.set(key, now);
      const p = this.send(reg.subscription, { v: 1, c: channel }).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async send(subscription: StoredSubscription, payload: PushPayload): Promise<void> {
    try {
      // web-push builds the VAPID JWT and the aes128gcm body; the request itself goes through fetch, which (unlike
      // web-push's https-only sender) also reaches the http loopback stand-in push service tests use.
      const details = webpush.generateRequestDetails(subscription, JSON.stringify(payload), {
        TTL: this.options.ttlSeconds,
        urgency: 'high',
        vapidDetails: { subject: this.options.subject, publicKey: this.vapid.publicKey, privateKey: this.vapid.privateKey },
      });
      const res = await fetch(details.endpoint, {
        method: details.method,
        headers: details.headers as Record<string, string>,
        body: details.body ? new Uint8Array(details.body) : undefined,
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 404 || res.status === 410) {
        // The push service says this subscription no longer exists (app uninstalled, permission revoked).
        this.store.remove(subscription.endpoint);
        this.count('gone');
      } else if (res.status >= 200 && res.status < 300) this.count('sent');
      else this.count('failed');
    } catch {
      this.count('failed');
    }
  }

  /** Resolves once every push started so far has been answered (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    clearInterval(this.sweep);
  }
}
