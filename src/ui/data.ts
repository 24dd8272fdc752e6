import { msg, str } from '@lit/localize';
// Reactive controllers through which a screen loads the chats and contacts it shows and keeps them current
// with the controller's events. Each screen owns its own copy; loads are coalesced per controller.
import type { ReactiveControllerHost } from 'lit';
import type { ChannelSummary, ContactView } from '../core/api.js';
import type { ShellApi } from './context.js';
import { ToastEvent } from './events.js';
import { messageOf } from './format.js';
import { ListenController } from './listen.js';

/**
 * Keeps a list loaded from the controller and reloads it on `eventName`. Bursts of events (two or three per
 * incoming message) fold into one more reload after the running one instead of one reload each.
 */
abstract class ListController<T> {
  items: T[] = [];
  /** True once the first load has finished. */
  loaded = false;
  private loading: Promise<void> | undefined;
  /** Bumped when what is loaded changes, so a load that started before is dropped. */
  protected generation = 0;
  private again = false;
  private readonly source: ListenController<ShellApi>;

  constructor(
    protected readonly host: ReactiveControllerHost & HTMLElement,
    getApp: () => ShellApi | undefined,
    eventName: string,
    /** The toast when loading fails, in the active language (a function: the language can change). */
    private readonly failText: (reason: string) => string,
  ) {
    const reload = () => void this.refresh();
    // Reloads on each (re)attach too: what it shows may have changed while the host was off the page.
    this.source = new ListenController(host, getApp, { [eventName]: reload, change: reload }, reload);
  }

  protected abstract load(app: ShellApi): Promise<T[]>;

  /** Reloads; settles once a load that started after the call has finished. */
  refresh(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        await this.loadOnce();
      } while (this.again);
    })().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async loadOnce(): Promise<void> {
    const app = this.source.current;
    if (!app?.identity) return;
    const generation = this.generation;
    try {
      const items = await this.load(app);
      if (generation !== this.generation) return;
      this.items = items;
      this.loaded = true;
      this.host.requestUpdate();
    } catch (err) {
      this.host.dispatchEvent(new ToastEvent(this.failText(messageOf(err))));
    }
  }
}

/** The chat list (most recent first), kept current with 'channels' events. */
export class ChannelsController extends ListController<ChannelSummary> {
  constructor(host: ReactiveControllerHost & HTMLElement, getApp: () => ShellApi | undefined) {
    super(host, getApp, 'channels', (m) => msg(str`Could not load the chats: ${m}`));
  }

  protected load(app: ShellApi): Promise<ChannelSummary[]> {
    return app.listChannels();
  }

  /** The chat with this id, if loaded. */
  find(id: string): ChannelSummary | undefined {
    return this.items.find((c) => c.id === id);
  }
}

/**
 * One chat's summary, by id, kept current with 'channels' events (cheaper than the whole list: a chat screen
 * needs only its own chat). `items` holds it, or nothing when the chat is not on this device.
 */
export class ChannelController extends ListController<ChannelSummary> {
  private id = '';

  constructor(host: ReactiveControllerHost & HTMLElement, getApp: () => ShellApi | undefined) {
    super(host, getApp, 'channels', (m) => msg(str`Could not load the chat: ${m}`));
  }

  /** Switches to another chat (loads it at once). */
  show(id: string): void {
    if (id === this.id) return;
    this.id = id;
    this.generation++;
    this.items = [];
    this.loaded = false;
    void this.refresh();
  }

  /** The chat, once loaded and if it exists. */
  get channel(): ChannelSummary | undefined {
    return this.items[0]?.id === this.id ? this.items[0] : undefined;
  }

  protected async load(app: ShellApi): Promise<ChannelSummary[]> {
    if (!this.id) return [];
    const ch = await app.getChannel(this.id);
    return ch ? [ch] : [];
  }
}

/** The contact list, kept current with 'contacts' events. */
export class ContactsController extends ListController<ContactView> {
  constructor(host: ReactiveControllerHost & HTMLElement, getApp: () => ShellApi | undefined) {
    super(host, getApp, 'contacts', (m) => msg(str`Could not load the contacts: ${m}`));
  }

  protected load(app: ShellApi): Promise<ContactView[]> {
    return app.listContacts();
  }
}
