/** Typed custom events that UI components send up to the shell. */
import type { Route } from './router.js';

export interface CreateIdentityDetail {
  name: string;
}

export interface ImportBackupDetail {
  text: string;
  passphrase: string;
}

export interface ExportBackupDetail {
  passphrase: string;
}

export function emit<T>(el: HTMLElement, type: string, detail: T): void {
  el.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
}

// Chats, contacts and groups (all bubble + composed so the shell hears them through shadow roots).

export interface OpenChatDetail {
  channelId: string;
}

export interface SendTextDetail {
  text: string;
  /** The handler passes the send's promise; on rejection the composer restores the text and shows the error. */
  waitUntil(promise: Promise<unknown>): void;
  /** Set by the chat view when the text answers a message (reply mode). */
  replyTo?: string;
}

export interface AcceptInviteDetail {
  link: string;
}

export interface SetVerifiedDetail {
  pub: string;
  verified: boolean;
}

export interface CreateGroupDetail {
  title: string;
  members: string[];
}

export interface GroupMembersDetail {
  channelId: string;
  pubs: string[];
}

export interface GroupMemberDetail {
  channelId: string;
  pub: string;
}

export interface ChannelDetail {
  channelId: string;
}

/** Sent by an attach control (the files helper's component) placed in the composer's "attach" slot. */
export interface AttachFilesDetail {
  files: File[];
}

/** What a message's action menu (md-message-actions) or reaction chip (md-reactions) asks for. */
export type MessageAction = 'reply' | 'react' | 'edit' | 'delete-everyone' | 'delete-me';

/** Sent as 'message-action'; `emoji` for 'react' (empty removes my reaction), `text` for a finished edit. */
export interface MessageActionDetail {
  action: MessageAction;
  channelId: string;
  messageId: string;
  emoji?: string;
  text?: string;
  /** The handler passes its promise, so the sender can show a failure next to the message. */
  waitUntil?(promise: Promise<unknown>): void;
}

/** Sent as 'jump-to-message' when the message is not in the loaded window (quote tapped, search result opened). */
export interface JumpToMessageDetail {
  channelId: string;
  messageId: string;
}

/** A screen asks the shell to open another screen (pushes a history entry unless `replace`). */
export class NavigateEvent extends Event {
  static readonly type = 'md-navigate';
  constructor(
    readonly route: Route,
    readonly replace = false,
  ) {
    super(NavigateEvent.type, { bubbles: true, composed: true });
  }
}

/** A screen leaves (Back, Cancel, a chat that was left): the shell goes back in history or to the list. */
export class LeaveScreenEvent extends Event {
  static readonly type = 'md-leave-screen';
  constructor() {
    super(LeaveScreenEvent.type, { bubbles: true, composed: true });
  }
}

/** A short message for the shell's toast (errors that belong to no form). */
export class ToastEvent extends Event {
  static readonly type = 'md-toast';
  constructor(readonly message: string) {
    super(ToastEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'md-navigate': NavigateEvent;
    'md-leave-screen': LeaveScreenEvent;
    'md-toast': ToastEvent;
  }
}

/** The pending invite link (from the page address) was accepted: the shell forgets it. */
export class InviteUsedEvent extends Event {
  static readonly type = 'md-invite-used';
  constructor() {
    super(InviteUsedEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'md-invite-used': InviteUsedEvent;
  }
}
