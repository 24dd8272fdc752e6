import type { UserSpace } from './user-space.js';

/** Keeps at most one live GUN subscription per key, so re-watching a channel never doubles events. */
export class Subscriptions {
  private readonly live = new Map<string, () => void>();

  constructor(private readonly space: UserSpace) {}

  /** Subscribes once per `key`; with `from`, only to keys of the node from it on (UserSpace.subscribe). */
  ensure(key: string, pub: string, path: readonly string[], onValue: (value: unknown, key: string) => void, from?: string, below?: 'tap'): void {
    if (this.live.has(key)) return;
    this.live.set(key, this.space.subscribe(pub, path, onValue, from, below));
  }

  /** Asks for one key again (see UserSpace.fetch). */
  fetch(pub: string, path: readonly string[], key: string, onValue: (value: unknown, key: string) => void): void {
    this.space.fetch(pub, path, key, onValue);
  }

  has(key: string): boolean {
    return this.live.has(key);
  }

  drop(key: string): void {
    this.live.get(key)?.();
    this.live.delete(key);
  }

  /** Drops every subscription whose key starts with `prefix`. */
  dropPrefix(prefix: string): void {
    for (const key of [...this.live.keys()]) if (key.startsWith(prefix)) this.drop(key);
  }

  dropAll(): void {
    for (const key of [...this.live.keys()]) this.drop(key);
  }
}
