import type { MeshdropDatabase } from '../store/db.js';
import { getChannel, putChannel, updateChannel } from '../store/channels-store.js';
import { getContact } from '../store/contacts-store.js';
import type { ChannelRecord, IdentityRecord, MemberProfile } from '../store/schema.js';
import type { ChatEvents } from './chat-events.js';
import type { ChatService, SystemInner } from './chat-service.js';
import { newChannelRecord } from './channels.js';
import { randomId } from './crypto.js';
import { MAX_GROUP_MEMBERS, MAX_NAME_CHARS } from './envelope.js';
import { groupChannelId } from './ids.js';

export class GroupError extends Error {
  override name = 'GroupError';
}

/**
 * Groups. The admin (creator) holds the member list and a random key per epoch. Every membership
 * change starts a new epoch: the admin sends the new key as a `group-key` message over the 1:1
 * channel of each current member only, so a removed member never learns it.
 */
export class GroupService {
  constructor(
    private readonly db: MeshdropDatabase,
    private readonly me: IdentityRecord,
    private readonly chat: ChatService,
    private readonly events: ChatEvents,
  ) {}

  private get myProfile(): MemberProfile {
    return { pub: this.me.pair.pub, epub: this.me.pair.epub, name: this.me.name };
  }

  private async contactProfiles(pubs: string[]): Promise<MemberProfile[]> {
    const out: MemberProfile[] = [];
    for (const pub of new Set(pubs)) {
      if (pub === this.me.pair.pub) continue;
      const c = await getContact(this.db, pub);
      if (!c) throw new GroupError('Only your contacts can be added to a group.');
      out.push({ pub: c.pub, epub: c.epub, name: c.name });
    }
    return out;
  }

  async createGroup(rawTitle: string, memberPubs: string[]): Promise<ChannelRecord> {
    const title = rawTitle.trim().replace(/\s+/g, ' ');
    if (!title) throw new GroupError('Give the group a name.');
    if (title.length > MAX_NAME_CHARS) throw new GroupError(`Group names can be at most ${MAX_NAME_CHARS} characters.`);
    const members = await this.contactProfiles(memberPubs);
    if (members.length === 0) throw new GroupError('Pick at least one contact for the group.');
    if (members.length + 1 > MAX_GROUP_MEMBERS) throw new GroupError(`A group can have at most ${MAX_GROUP_MEMBERS} members.`);
    const nonce = randomId(16);
    const channel = newChannelRecord({
      id: await groupChannelId(this.me.pair.pub, nonce),
      groupNonce: nonce,
      kind: 'group',
      title,
      members: members.map((m) => m.pub),
      admin: this.me.pair.pub,
      key: { epoch: 0, key: randomId(32) },
      profiles: [this.myProfile, ...members],
    });
    await putChannel(this.db, channel);
    this.chat.watchChannel(channel);
    await this.distribute(channel);
    await this.chat.addNote(channel.id, `n${randomId(10)}`, `You created the group “${title}”.`);
    this.events.channels();
    return channel;
  }

  private async adminChannel(channelId: string): Promise<ChannelRecord> {
    const channel = await getChannel(this.db, channelId);
    if (!channel || channel.kind !== 'group') throw new GroupError('There is no such group.');
    if (channel.closed) throw new GroupError('You are no longer a member of this group.');
    if (channel.admin !== this.me.pair.pub) throw new GroupError('Only the group admin can change its members.');
    return channel;
  }

  async addMembers(channelId: string, pubs: string[]): Promise<void> {
    const channel = await this.adminChannel(channelId);
    const fresh = (await this.contactProfiles(pubs)).filter((p) => !channel.members.includes(p.pub));
    if (fresh.length === 0) throw new GroupError('Those contacts are already in the group.');
    if (channel.members.length + fresh.length + 1 > MAX_GROUP_MEMBERS) throw new GroupError(`A group can have at most ${MAX_GROUP_MEMBERS} members.`);
    const next = await this.rotate(channel, [...(channel.profiles ?? []), ...fresh]);
    this.chat.watchChannel(next);
    await this.chat.addNote(channelId, `n${randomId(10)}`, `You added ${fresh.map((p) => p.name).join(', ')}.`);
  }

  async removeMember(channelId: string, pub: string): Promise<void> {
    const channel = await this.adminChannel(channelId);
    if (!channel.members.includes(pub)) throw new GroupError('That person is not a member of this group.');
    const removed = channel.profiles?.find((p) => p.pub === pub);
    await this.dropMember(channel, pub);
    const contact = await getContact(this.db, pub);
    const direct = contact ? await getChannel(this.db, contact.channelId) : undefined;
    if (direct) await this.chat.sendSystem(direct, { type: 'group-removed', group: channelId });
    await this.chat.addNote(channelId, `n${randomId(10)}`, `You removed ${removed?.name ?? 'a member'}.`);
  }

  /** Rotates to a key the departing member never sees, and stops reading their space. */
  private async dropMember(channel: ChannelRecord, pub: string): Promise<void> {
    this.chat.unwatchMember(channel.id, pub);
    await this.rotate(channel, (channel.profiles ?? []).filter((p) => p.pub !== pub));
  }

  async leave(channelId: string): Promise<void> {
    const channel = await getChannel(this.db, channelId);
    if (!channel || channel.kind !== 'group') throw new GroupError('There is no such group.');
    if (channel.closed) return;
    await this.chat.sendSystem(channel, { type: 'group-leave', group: channelId });
    await updateChannel(this.db, channelId, (c) => (c.closed = true));
    this.chat.unwatchChannel(channelId);
    await this.chat.addNote(channelId, `n${randomId(10)}`, 'You left the group.');
    this.events.channels();
  }

  /** New epoch with a fresh key for exactly `profiles` (me included), sent to each other member. */
  private async rotate(channel: ChannelRecord, profiles: MemberProfile[]): Promise<ChannelRecord> {
    const epoch = Math.max(channel.currentEpoch, ...channel.keys.map((k) => k.epoch)) + 1;
    const key = randomId(32);
    const others = profiles.filter((p) => p.pub !== this.me.pair.pub);
    const next = await updateChannel(this.db, channel.id, (c) => {
      c.keys = [...c.keys, { epoch, key }];
      c.currentEpoch = epoch;
      c.members = others.map((p) => p.pub);
      c.profiles = [this.myProfile, ...others];
    });
    if (!next) throw new GroupError('There is no such group.');
    await this.distribute(next);
    this.events.channels();
    return next;
  }

  private async distribute(channel: ChannelRecord): Promise<void> {
    const key = channel.keys.find((k) => k.epoch === channel.currentEpoch)?.key;
    if (!key || !channel.groupNonce) return;
    const payload = {
      type: 'group-key' as const,
      group: channel.id,
      nonce: channel.groupNonce,
      title: channel.title,
      epoch: channel.currentEpoch,
      key,
      members: channel.profiles ?? [],
      admin: this.me.pair.pub,
    };
    for (const pub of channel.members) {
      const contact = await getContact(this.db, pub);
      const direct = contact ? await getChannel(this.db, contact.channelId) : undefined;
      if (direct) await this.chat.sendSystem(direct, payload);
    }
  }

  /** Group protocol messages: group-key / group-removed arrive over 1:1 channels, group-leave in the group. */
  async onSystem(channel: ChannelRecord, inner: SystemInner): Promise<void> {
    const body = inner.body;
    if (body.type === 'group-key' && channel.kind === 'direct') return this.onGroupKey(inner.author, body, inner.id);
    if (body.type === 'group-removed' && channel.kind === 'direct') return this.onRemoved(inner.author, body.group);
    if (body.type === 'group-leave' && channel.kind === 'group' && body.group === channel.id) return this.onLeave(channel, inner.author);
  }

  private async onGroupKey(from: string, body: Extract<SystemInner['body'], { type: 'group-key' }>, envelopeId: string): Promise<void> {
    if (body.admin !== from) return;
    // Only the admin who made the id can announce it (stops a member from hijacking a group id).
    if ((await groupChannelId(from, body.nonce)) !== body.group) return;
    const mePub = this.me.pair.pub;
    if (!body.members.some((m) => m.pub === mePub) || !body.members.some((m) => m.pub === from)) return;
    const existing = await getChannel(this.db, body.group);
    if (existing && (existing.kind !== 'group' || existing.admin !== from)) return;
    if (existing?.keys.some((k) => k.epoch === body.epoch)) return;
    const others = body.members.filter((m) => m.pub !== mePub);
    const now = Date.now();
    if (!existing) {
      const channel = newChannelRecord(
        {
          id: body.group,
          kind: 'group',
          title: body.title,
          members: others.map((m) => m.pub),
          admin: from,
          key: { epoch: body.epoch, key: body.key },
          lastReadAt: 0,
          profiles: body.members,
          groupNonce: body.nonce,
        },
        now,
      );
      await putChannel(this.db, channel);
      const adminName = body.members.find((m) => m.pub === from)?.name ?? 'The admin';
      await this.chat.addNote(channel.id, envelopeId, `${adminName} added you to “${body.title}”.`);
      this.chat.watchChannel(channel);
      this.chat.retryParked(channel.id);
      this.events.channels();
      return;
    }
    const newer = body.epoch > existing.currentEpoch;
    const before = new Set(existing.members);
    const updated = await updateChannel(this.db, body.group, (c) => {
      c.keys = [...c.keys, { epoch: body.epoch, key: body.key }];
      if (newer) {
        c.currentEpoch = body.epoch;
        c.members = others.map((m) => m.pub);
        c.profiles = body.members;
        c.title = body.title;
        c.closed = false;
      }
    });
    if (!updated) return;
    if (newer) {
      const after = new Set(updated.members);
      for (const pub of before) if (!after.has(pub)) this.chat.unwatchMember(updated.id, pub);
      const joined = others.filter((m) => !before.has(m.pub)).map((m) => m.name);
      const left = existing.profiles?.filter((p) => before.has(p.pub) && !after.has(p.pub)).map((p) => p.name) ?? [];
      const parts = [joined.length ? `${joined.join(', ')} joined` : '', left.length ? `${left.join(', ')} left or were removed` : ''].filter(Boolean);
      if (parts.length) await this.chat.addNote(updated.id, envelopeId, `${parts.join('; ')}.`);
      this.chat.watchChannel(updated);
    }
    this.chat.retryParked(updated.id);
    this.events.channels();
  }

  private async onRemoved(from: string, groupId: string): Promise<void> {
    const channel = await getChannel(this.db, groupId);
    if (!channel || channel.kind !== 'group' || channel.admin !== from || channel.closed) return;
    await updateChannel(this.db, groupId, (c) => (c.closed = true));
    this.chat.unwatchChannel(groupId);
    await this.chat.addNote(groupId, `n${randomId(10)}`, 'You were removed from this group.');
    this.events.channels();
  }

  private async onLeave(channel: ChannelRecord, who: string): Promise<void> {
    if (!channel.members.includes(who)) return;
    const name = channel.profiles?.find((p) => p.pub === who)?.name ?? 'A member';
    if (who === channel.admin) {
      // Nobody else may rotate keys, so the group ends when its admin leaves.
      await updateChannel(this.db, channel.id, (c) => (c.closed = true));
      this.chat.unwatchChannel(channel.id);
      await this.chat.addNote(channel.id, `n${randomId(10)}`, `${name} (the admin) left. The group is closed.`);
      this.events.channels();
      return;
    }
    if (channel.admin === this.me.pair.pub) {
      await this.dropMember(channel, who);
      await this.chat.addNote(channel.id, `n${randomId(10)}`, `${name} left the group.`);
    }
  }
}
