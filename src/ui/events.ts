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
