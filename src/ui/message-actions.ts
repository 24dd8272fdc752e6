import type { MeshdropApi } from '../core/api.js';
import type { MessageActionDetail } from './events.js';

/** Carries out a message action from the chat view through the controller (reply is sent with the text). */
export async function runMessageAction(app: Pick<MeshdropApi, 'react' | 'editMessage' | 'deleteForEveryone' | 'deleteForMe'>, d: MessageActionDetail): Promise<void> {
  switch (d.action) {
    case 'react':
      return app.react(d.channelId, d.messageId, d.emoji ?? '');
    case 'edit':
      if (d.text === undefined) return;
      return app.editMessage(d.channelId, d.messageId, d.text);
    case 'delete-everyone':
      return app.deleteForEveryone(d.channelId, d.messageId);
    case 'delete-me':
      return app.deleteForMe(d.channelId, d.messageId);
    case 'reply':
      return; // a composer mode of the chat view
  }
}
