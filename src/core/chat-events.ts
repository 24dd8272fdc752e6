import type { MessageRecord } from '../store/schema.js';

/** What the services report to the controller, which turns it into the UI's events (api.ts). */
export interface ChatEvents {
  messages(channelId: string, records: MessageRecord[]): void;
  channels(): void;
  contacts(): void;
  /** A file message from someone else arrived: the file service can start downloading. */
  fileMessage(record: MessageRecord): void;
}
