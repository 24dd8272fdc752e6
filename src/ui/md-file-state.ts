import { msg } from '@lit/localize';
import type { ReactiveControllerHost } from 'lit';
import type { FileProgress, MeshdropApi, MessageView } from '../core/api.js';
import type { FileView } from './md-file-message.js';
import type { ShareView } from './md-share-picker.js';
import { ListenController } from './listen.js';

/** The file part of the controller API, optional so a shell without the files feature still works. */
export type FileShellApi = Partial<Pick<MeshdropApi, 'getFile' | 'pendingShares' | 'sendShare' | 'sendFiles' | 'maxFileBytes'>> &
  Pick<MeshdropApi, 'addEventListener' | 'removeEventListener'> & { discardShare?: (shareId: string) => Promise<void> };

/** The share id in the page address (`/#share=<id>`), as the service worker's share target redirects. */
export function shareFromLocation(loc: Pick<Location, 'hash'>): string {
  const m = /^#share=([0-9a-f]{8,64})$/.exec(loc.hash);
  return m?.[1] ?? '';
}

/** What the service worker's share-error codes mean, in the active language. */
const shareErrors = (): Record<string, string> => ({
  'too-large': msg('That share is too large to keep on this device.'),
  empty: msg('Nothing was shared: no files or text arrived.'),
  unreadable: msg('The shared data could not be read.'),
});

/** A message for `/#share-error=<code>`, or '' when the address carries none. */
export function shareErrorFromLocation(loc: Pick<Location, 'hash'>): string {
  const m = /^#share-error=([a-z-]+)$/.exec(loc.hash);
  return m ? (shareErrors()[m[1] ?? ''] ?? msg('The share could not be received.')) : '';
}

/**
 * Keeps the shell's view of file transfers (one FileView per file id, for the file messages on screen)
 * and of a pending share, updated from the controller's `file-progress` events.
 */
export class FileStateController {
  views: ReadonlyMap<string, FileView> = new Map();
  share: ShareView | undefined;
  shareMissing = false;
  private readonly loading = new Set<string>();
  private readonly source: ListenController<FileShellApi>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly getApp: () => FileShellApi | undefined,
  ) {
    this.source = new ListenController(host, getApp, { 'file-progress': this.onProgress });
  }

  private get app(): FileShellApi | undefined {
    return this.source.current;
  }

  private set(fileId: string, view: FileView): void {
    const next = new Map(this.views);
    next.set(fileId, view);
    this.views = next;
    this.host.requestUpdate();
  }

  private readonly onProgress = (e: Event) => {
    const p = (e as CustomEvent<FileProgress>).detail;
    const old = this.views.get(p.fileId);
    this.set(p.fileId, { status: p.status, doneBytes: p.doneBytes, size: p.size, error: p.error, blob: old?.blob });
    // Finished (or the sender's own copy): fetch the stored record for its Blob.
    if (p.status === 'complete' || p.status === 'sent' || p.status === 'failed' || !old) void this.load(p.fileId, true);
  };

  /** Loads the stored state of every file message in `messages` not yet known. */
  track(messages: readonly MessageView[]): void {
    for (const m of messages) if (m.kind === 'file' && m.file && !this.views.has(m.file.fileId)) void this.load(m.file.fileId, false);
  }

  private async load(fileId: string, force: boolean): Promise<void> {
    const app = this.app;
    if (!app?.getFile || (this.loading.has(fileId) && !force)) return;
    this.loading.add(fileId);
    try {
      const r = await app.getFile(fileId);
      if (!r) return;
      const doneBytes = r.status === 'complete' || r.status === 'sent' ? r.size : Math.min(r.size, r.doneChunks * r.chunkSize);
      // A Blob read from IndexedDB stops being readable if its record is rewritten later; the bubble keeps
      // an in-memory copy of a small finished file. Blob files (bytesInChunks) are made of parts that are never
      // rewritten once complete, so their Blob is kept as is: a 2 GB file stays on disk.
      const old = this.views.get(fileId);
      let blob: Blob | undefined;
      if (r.blob && (r.status === 'complete' || r.status === 'sent')) {
        if (old?.blob && old.blob.size === r.blob.size) blob = old.blob;
        else blob = r.bytesInChunks ? r.blob : new Blob([await r.blob.arrayBuffer()], { type: r.type });
      }
      this.set(fileId, { status: r.status, doneBytes, size: r.size, error: r.error, blob });
    } catch (err) {
      console.warn('could not load file state', fileId, err);
    } finally {
      this.loading.delete(fileId);
    }
  }

  /** Loads the pending share `shareId` (from the share target) for the picker. */
  async openShare(shareId: string): Promise<void> {
    const app = this.app ?? this.getApp();
    const shares = (await app?.pendingShares?.()) ?? [];
    const found = shares.find((s) => s.id === shareId);
    this.share = found;
    this.shareMissing = !found;
    this.host.requestUpdate();
  }

  closeShare(): void {
    this.share = undefined;
    this.shareMissing = false;
    this.host.requestUpdate();
  }
}
