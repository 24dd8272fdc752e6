import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { messageOf } from './format.js';

/** Runs a screen's actions one at a time: `busy` while one runs, its error handed to the screen's setter. */
export class BusyController implements ReactiveController {
  busy = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Runs `task`; clears the error first and reports a failure's message through `setError`. */
  async run(task: () => Promise<void>, setError: (message: string) => void): Promise<void> {
    this.busy = true;
    setError('');
    this.host.requestUpdate();
    try {
      await task();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }
}
