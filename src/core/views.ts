import type { ChannelSummary, ContactView, MessageView } from './api.js';
import type { ChannelRecord, ContactRecord, IdentityRecord, MessageRecord } from '../store/schema.js';
import { safetyNumber } from './ids.js';

/** Turns stored records into the plain view objects of the UI contract (api.ts). */

export async function toContactView(c: ContactRecord, me: IdentityRecord): Promise<ContactView> {
  return { pub: c.pub, name: c.name, safetyNumber: await safetyNumber(c.pub, me.pair.pub), channelId: c.channelId, verified: c.verified };
}

export class NameBook {
  private readonly names = new Map<string, string>();

  constructor(me: IdentityRecord, contacts: ContactRecord[]) {
    this.names.set(me.pair.pub, me.name);
    for (const c of contacts) this.names.set(c.pub, c.name);
  }

  nameOf(pub: string, channel?: ChannelRecord): string {
    return this.names.get(pub) ?? channel?.profiles?.find((p) => p.pub === pub)?.name ?? (pub ? 'Unknown' : '');
  }
}

export function toMessageView(m: MessageRecord, me: IdentityRecord, names: NameBook, channel?: ChannelRecord): MessageView {
  return { ...m, mine: m.author === me.pair.pub, authorName: names.nameOf(m.author, channel) };
}

export function previewOf(m: MessageRecord | undefined): string {
  if (!m || m.hidden) return '';
  if (m.deleted) return 'Message deleted';
  if (m.kind === 'file') return `📎 ${m.file?.name ?? 'File'}`;
  const oneLine = m.text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 80 ? `${oneLine.slice(0, 79)}…` : oneLine;
}

export function toChannelSummary(c: ChannelRecord, me: IdentityRecord, names: NameBook, latest: MessageRecord | undefined): ChannelSummary {
  const members = c.members.map((pub) => ({ pub, name: names.nameOf(pub, c) }));
  return {
    id: c.id,
    kind: c.kind,
    title: c.kind === 'direct' ? names.nameOf(c.members[0] ?? '', c) || c.title : c.title,
    members,
    admin: c.admin,
    isAdmin: c.admin === me.pair.pub,
    unread: c.unread,
    lastMessageAt: c.lastMessageAt,
    lastMessagePreview: previewOf(latest),
    closed: c.closed,
    muted: c.muted === true,
  };
}
