import type { ActionOrder, ActionRecord, ChannelRecord, MessageRecord } from '../store/schema.js';

/**
 * The rules for reactions, edits and deletions (docs/PROTOCOL.md, "Conversation actions"). Pure: the store
 * runs `decideAction` inside one IndexedDB transaction with the action's target.
 */

/** True when `a` comes after `b` in the author's order (author's clock, then action id). */
export function isAfter(a: ActionOrder, b: ActionOrder | undefined): boolean {
  return !b || a.at > b.at || (a.at === b.at && a.id > b.id);
}

/** What to do with an action: its new state and, when it changes the target, the updated target. */
export interface ActionDecision {
  state: ActionRecord['state'];
  message?: MessageRecord;
  /** A file message was deleted: its transfer must stop and its chunks no longer be offered. */
  deletedFileId?: string;
}

/**
 * Applies one action to its target message (undefined: not arrived yet, so the action waits).
 * `channel` is the chat the action was read from, as this device knows it now.
 */
export function decideAction(a: ActionRecord, target: MessageRecord | undefined, channel: ChannelRecord | undefined): ActionDecision {
  if (!target) return { state: 'parked' };
  // An action may only name a message of the chat it was sent in (else a member could edit or react across chats).
  if (target.channelId !== a.channelId || target.kind === 'system' || !channel) return { state: 'dropped' };
  const order = { at: a.sentAt, id: a.id };
  switch (a.type) {
    case 'react': {
      if (target.deleted) return { state: 'dropped' };
      const prev = target.reactions?.[a.author];
      if (!isAfter(order, prev)) return { state: 'applied' }; // an older reaction than the one shown: superseded
      return { state: 'applied', message: { ...target, reactions: { ...target.reactions, [a.author]: { ...order, emoji: a.value } } } };
    }
    case 'edit': {
      if (target.author !== a.author || target.kind !== 'text' || target.deleted) return { state: 'dropped' };
      if (!isAfter(order, target.edited)) return { state: 'applied' };
      return { state: 'applied', message: { ...target, text: a.value, edited: order } };
    }
    case 'delete': {
      const byAdmin = channel.kind === 'group' && channel.admin === a.author;
      if (target.author !== a.author && !byAdmin) return { state: 'dropped' };
      if (target.deleted) return { state: 'applied' };
      const { file, reactions: _r, edited: _e, ...rest } = target;
      return { state: 'applied', message: { ...rest, text: '', deleted: true }, deletedFileId: file?.fileId };
    }
  }
}
