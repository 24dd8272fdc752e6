import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Event name → handler, as given to addEventListener. */
export type Handlers = Record<string, (e: Event) => void>;

/** What can be listened to. */
export type Source = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/**
 * Listens to an event source (the app controller, usually reached through context) only while its host is on
 * the page, following the source when it changes.
 *
 * Why only while connected: Lit still updates an element that was taken off the page when something asks it to
 * (a load that finishes late, an event). A screen that listened again from such an update stayed subscribed
 * after it was closed, and its hidden chat view marked newly arrived messages read (the phone e2e test saw the
 * unread badge drop by one about once in ten runs).
 *
 * The host keeps it (addController): a screen that only needs the listening may create it and drop the result.
 */
export class ListenController<T extends Source> implements ReactiveController {
  private source: T | undefined;
  private connected = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly getSource: () => T | undefined,
    private readonly handlers: Handlers,
    /** Called with each source this starts listening to (e.g. to load what may have changed meanwhile). */
    private readonly onAttach: (source: T) => void = () => undefined,
  ) {
    host.addController(this);
  }

  /** The source listened to now (undefined while the host is off the page). */
  get current(): T | undefined {
    return this.source;
  }

  hostConnected(): void {
    this.connected = true;
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.sync();
  }

  hostUpdate(): void {
    this.sync();
  }

  private sync(): void {
    const next = this.connected ? this.getSource() : undefined;
    if (next === this.source) return;
    for (const [name, handler] of Object.entries(this.handlers)) this.source?.removeEventListener(name, handler);
    this.source = next;
    if (!next) return;
    for (const [name, handler] of Object.entries(this.handlers)) next.addEventListener(name, handler);
    this.onAttach(next);
  }
}
