/** Typed custom events that UI components send up to the shell. */

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
