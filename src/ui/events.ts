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
