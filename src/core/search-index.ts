import type { MessageRecord } from '../store/schema.js';

/** One searchable message: just what matching and ordering need (the full record is read for the hits only). */
interface Entry {
  id: string;
  channelId: string;
  sentAt: number;
  /** Lower-cased text (or file name). */
  lower: string;
}

/** A match: message id and where the match starts in its text. */
export interface IndexHit {
  id: string;
  at: number;
}

const searchable = (m: MessageRecord): boolean => m.kind !== 'system' && !m.hidden && !m.deleted;
const textOf = (m: MessageRecord): string => (m.kind === 'file' ? (m.file?.name ?? '') : m.text);

/**
 * In-memory search over local history. Reading 10,000 records out of IndexedDB costs far more than scanning
 * 10,000 strings (bench/search.ts), so the history is read once (lazily, or ahead of time with `warm()`), then kept
 * current from the same updates the UI receives (new, edited, deleted messages).
 */
export class SearchIndex {
  private entries: Map<string, Entry> | undefined;
  private loading: Promise<Map<string, Entry>> | undefined;
  /** Updates that arrived while the history was being read (applied after it, so none is lost). */
  private pending: MessageRecord[] = [];

  constructor(private readonly loadAll: () => Promise<MessageRecord[]>) {}

  /** Reads the history now, so the first search is as fast as the rest. */
  warm(): Promise<void> {
    return this.ready().then(() => undefined);
  }

  private ready(): Promise<Map<string, Entry>> {
    if (this.entries) return Promise.resolve(this.entries);
    this.loading ??= this.loadAll().then((all) => {
      const map = new Map<string, Entry>();
      this.entries = map;
      this.update(all);
      const late = this.pending;
      this.pending = [];
      this.update(late);
      return map;
    });
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  /** Adds, replaces or removes messages (call with every stored or changed record). */
  update(records: readonly MessageRecord[]): void {
    const map = this.entries;
    if (!map) {
      if (this.loading) this.pending.push(...records);
      return;
    }
    for (const m of records) {
      if (!searchable(m)) map.delete(m.id);
      else map.set(m.id, { id: m.id, channelId: m.channelId, sentAt: m.sentAt, lower: textOf(m).toLocaleLowerCase() });
    }
  }

  /** Ids of messages containing `query` (case-insensitive), newest first, at most `limit`. */
  async search(query: string, limit: number): Promise<IndexHit[]> {
    const needle = query.trim().toLocaleLowerCase();
    if (!needle) return [];
    const map = await this.ready();
    const found: (Entry & { at: number })[] = [];
    for (const e of map.values()) {
      const at = e.lower.indexOf(needle);
      if (at >= 0) found.push({ ...e, at });
    }
    found.sort((a, b) => b.sentAt - a.sentAt || (a.id < b.id ? 1 : -1));
    return found.slice(0, limit).map((e) => ({ id: e.id, at: e.at }));
  }
}
