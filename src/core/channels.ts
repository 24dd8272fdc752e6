import type { ChannelKeyRecord, ChannelRecord } from '../store/schema.js';

export interface NewChannel extends Pick<ChannelRecord, 'id' | 'kind' | 'title' | 'members' | 'admin'>, Partial<Pick<ChannelRecord, 'profiles' | 'groupNonce' | 'lastReadAt'>> {
  /** The first key this device holds for the channel; its epoch becomes the current one. */
  key: ChannelKeyRecord;
}

/** A channel as first stored on this device: one key, nothing unread, open, created and active now. */
export function newChannelRecord({ key, lastReadAt, ...fields }: NewChannel, now = Date.now()): ChannelRecord {
  return {
    ...fields,
    keys: [key],
    currentEpoch: key.epoch,
    createdAt: now,
    lastMessageAt: now,
    lastReadAt: lastReadAt ?? now,
    unread: 0,
    closed: false,
  };
}
