/**
 * A chat's history paged in from the relays, newest first (issue 11: a new device, or a restored backup, does not
 * read whole channels). The first time a device follows a member's envelopes in a channel it reads the newest
 * FIRST_PAGE of them over the relays' HTTP history (`GET /history?before=`); older pages are read when the user
 * scrolls past the oldest stored message (ChatService.loadPage). Where a node has been read back to is kept with
 * its read cursor (read-cursors.ts `paging`), so a restart neither reads it again nor forgets it is complete.
 */
import type { ChannelRecord } from '../store/schema.js';
import { APP_ROOT, soulOf } from '../sync/user-space.js';
import type { ReadCursors } from './read-cursors.js';

/** Envelopes read when a device first follows a member in a channel. */
export const FIRST_PAGE = 100;
/** Envelopes read per member when the user scrolls past the oldest stored message. */
export const OLDER_PAGE = 100;

/**
 * One page of a node's history: its entries (any order), whether older ones exist, and the key the next page is read
 * before; undefined: no relay answered.
 */
export type PageOlder = (soul: string, before: string, limit: number) => Promise<{ entries: { key: string; value: unknown }[]; more: boolean; oldest?: string } | undefined>;

/** What paging back needs from the chat service. */
export interface OlderHistoryHooks {
  /** Hands one envelope read from the history to the receive path. */
  deliver(channelId: string, authorPub: string, key: string, value: unknown): void;
  /** Resolves once everything handed over so far is processed. */
  settled(): Promise<void>;
  /** The id of the channel's oldest stored message (where paging starts when nothing was paged yet). */
  oldestStored(channelId: string): Promise<string | undefined>;
}

/** Pages members' envelopes in from the relays, newest first; see the module comment. */
export class OlderHistory {
  constructor(
    private readonly page: PageOlder,
    private readonly cursors: ReadCursors,
    private readonly hooks: OlderHistoryHooks,
    private readonly me: string,
  ) {}

  /** Reads the newest envelopes of a member in a channel; false when no relay answered (read it some other way). */
  async first(channelId: string, pub: string): Promise<boolean> {
    return (await this.back(channelId, pub, FIRST_PAGE, '~')) !== undefined;
  }

  /** True while some member's envelopes in `channel` may be older than what was read. */
  incomplete(channel: ChannelRecord): boolean {
    return this.authors(channel).some((pub) => !this.cursors.paging(soulOf(pub, [APP_ROOT, 'c', channel.id])).complete);
  }

  /** Reads one older page of every member whose history is not complete, and waits until it is processed. */
  async more(channel: ChannelRecord): Promise<void> {
    const start = (await this.hooks.oldestStored(channel.id)) ?? '~';
    await Promise.all(this.authors(channel).map((pub) => this.back(channel.id, pub, OLDER_PAGE, start)));
    await this.hooks.settled();
  }

  private authors(channel: ChannelRecord): string[] {
    return [...new Set([...channel.members, this.me])];
  }

  /** One page before what was read of the node (or before `start` when nothing was); undefined when no relay answered. */
  private async back(channelId: string, pub: string, limit: number, start: string): Promise<boolean | undefined> {
    const soul = soulOf(pub, [APP_ROOT, 'c', channelId]);
    const paging = this.cursors.paging(soul);
    if (paging.complete) return false;
    const before = paging.oldest ?? start;
    const res = await this.page(soul, before, limit);
    if (!res) return undefined;
    for (const e of res.entries) this.hooks.deliver(channelId, pub, e.key, e.value);
    this.cursors.pagedTo(soul, res.oldest ?? before, !res.more);
    return res.more;
  }
}
