// Reactive controllers through which a screen loads the chats and contacts it shows and keeps them current
// with the controller's events. Each screen owns its own copy; loads are coalesced per controller.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChannelSummary, ContactView } from '../core/api.js';
import type { ShellApi } from './context.js';
import { ToastEvent } from './events.js';
import { messageOf } from './format.js';

/**
 * Keeps a list loaded from the controller and reloads it on `eventName`. Bursts of events (two or three per
 * incoming message) fold into one more reload after the running one instead of one reload each.
 */
abstract class ListController<T> implements ReactiveController {
  items: T[] = [];
  /** True once the first load has finished. */
  loaded = false;
  private app: ShellApi | undefined;
  private loading: Promise<void> | undefined;
  private again = false;

  constructor(
    protected readonly host: ReactiveControllerHost & HTMLElement,
    private readonly getApp: () => ShellApi | undefined,
    private readonly eventName: string,
    private readonly what: string,
  ) {
    host.addController(this);
  }

  protected abstract load(app: ShellApi): Promise<T[]>;

  hostConnected(): void {
    this.attach(this.getApp());
  }

  hostDisconnected(): void {
    this.attach(undefined);
  }

  hostUpdate(): void {
    const app = this.getApp();
    if (app !== this.app) this.attach(app);
  }

  private attach(app: ShellApi | undefined): void {
    this.app?.removeEventListener(this.eventName, this.onEvent);
    this.app?.removeEventListener('change', this.onEvent);
    this.app = app;
    app?.addEventListener(this.eventName, this.onEvent);
    app?.addEventListener('change', this.onEvent);
    if (app) void this.refresh();
  }

  private readonly onEvent = () => void this.refresh();

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
    const app = this.app;
    if (!app?.identity) return;
    try {
      this.items = await this.load(app);
      this.loaded = true;
      this.host.requestUpdate();
    } catch (err) {
      this.host.dispatchEvent(new ToastEvent(`Could not load ${this.what}: ${messageOf(err)}`));
    }
  }
}

/** The chat list (most recent first), kept current with 'channels' events. */
export class ChannelsController extends ListController<ChannelSummary> {
  constructor(host: ReactiveControllerHost & HTMLElement, getApp: () => ShellApi | undefined) {
    super(host, getApp, 'channels', 'chats');
  }

  protected load(app: ShellApi): Promise<ChannelSummary[]> {
    return app.listChannels();
  }

  /** The chat with this id, if loaded. */
  find(id: string): ChannelSummary | undefined {
    return this.items.find((c) => c.id === id);
  }
}

/** The contact list, kept current with 'contacts' events. */
export class ContactsController extends ListController<ContactView> {
  constructor(host: ReactiveControllerHost & HTMLElement, getApp: () => ShellApi | undefined) {
    super(host, getApp, 'contacts', 'contacts');
  }

  protected load(app: ShellApi): Promise<ContactView[]> {
    return app.listContacts();
  }
}
