import type { MeshdropDatabase } from '../store/db.js';
import { listChannels } from '../store/channels-store.js';
import type { IdentityRecord } from '../store/schema.js';
import { Outbox } from '../sync/outbox.js';
import type { RelayConnection } from '../sync/relay-connection.js';
import { Subscriptions } from '../sync/subscriptions.js';
import { UserSpace } from '../sync/user-space.js';
import type { ChatEvents } from './chat-events.js';
import { ChatService } from './chat-service.js';
import { ContactsService } from './contacts-service.js';
import { ConversationService } from './conversation-service.js';
import { GroupService } from './group-service.js';
import { DevicesService, type DevicesHooks } from './devices-service.js';

/**
 * Everything that runs while an identity is signed in: the GUN user space, the outbox, the
 * subscriptions and the contact/chat/group services wired together.
 */
export class Session {
  readonly space: UserSpace;
  readonly subs: Subscriptions;
  readonly outbox: Outbox;
  readonly chat: ChatService;
  readonly contacts: ContactsService;
  readonly groups: GroupService;
  readonly conversation: ConversationService;
  /** Linked devices and the self-channel (devices-service.ts). */
  readonly devices: DevicesService;

  constructor(
    readonly db: MeshdropDatabase,
    connection: RelayConnection,
    readonly identity: IdentityRecord,
    events: ChatEvents,
    hooks: DevicesHooks = { devices: () => undefined, linkRequest: () => undefined, unlinked: () => undefined },
  ) {
    // Every change to contacts or chats may be one the other devices of the account need (self-channel).
    const raw = events;
    events = {
      ...raw,
      contacts: () => (raw.contacts(), this.devices?.changed()),
      channels: () => (raw.channels(), this.devices?.changed()),
    };
    this.space = new UserSpace(connection.gun, identity.pair);
    this.subs = new Subscriptions(this.space);
    this.outbox = new Outbox(db, this.space, connection);
    this.chat = new ChatService(db, identity, this.outbox, this.subs, events);
    this.contacts = new ContactsService(db, identity, this.outbox, this.subs, this.chat, events);
    this.groups = new GroupService(db, identity, this.chat, events);
    this.conversation = new ConversationService(db, identity, this.chat, this.outbox, this.subs, events);
    this.devices = new DevicesService(db, identity, this.outbox, this.subs, this.chat, raw, hooks);
    this.chat.setSystemHandler(async (channel, inner) => {
      if (inner.body.type === 'profile') await this.contacts.onProfile(channel, inner);
      else await this.groups.onSystem(channel, inner);
    });
  }

  async start(): Promise<void> {
    await this.space.auth();
    this.outbox.start();
    await this.conversation.start();
    await this.chat.cursors.load();
    for (const channel of await listChannels(this.db)) this.chat.watchChannel(channel);
    await this.contacts.start();
    await this.devices.start();
  }

  stop(): void {
    this.contacts.stop();
    this.devices.stop();
    this.chat.stop();
    this.outbox.stop();
    this.subs.dropAll();
    this.space.leave();
  }
}
