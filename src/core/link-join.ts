import type { GunInstance } from '../types/gun.js';
import { putUntilAcked, watchSoul } from '../sync/link-exchange.js';
import { INBOX_SOUL_PREFIX } from '../sync/user-space.js';
import { randomId } from './crypto.js';
import { confirmationCode, LinkError, LINK_MESSAGES, openLinkReply, parseDeviceLink, replyInbox, sealLinkRequest, type LinkReply } from './device-link.js';
import { IdentityError, validateDisplayName } from './identity.js';

/** Time after a link's expiry that device 2 still waits (device 1 may confirm at the last second). */
const GRACE_MS = 30_000;

/**
 * Device 2's side of linking: sends the request into the link's inbox, reports the confirmation code, and waits
 * for device 1's reply. Resolves with the identity, the account state and this device's id and name.
 * Throws LinkError (bad or expired link, refused, no answer in time) or IdentityError (bad device name).
 */
export async function joinByLink(
  gun: GunInstance,
  linkText: string,
  rawDeviceName: string,
  onCode: (code: string) => void,
  now = Date.now(),
): Promise<LinkReply & { device: { id: string; name: string } }> {
  const link = parseDeviceLink(linkText, now);
  let name: string;
  try {
    name = validateDisplayName(rawDeviceName);
  } catch (err) {
    throw new IdentityError(err instanceof Error ? err.message.replace('Display names', 'Device names').replace('a display name', 'a name for this device') : 'Please name this device.');
  }
  const device = { id: randomId(16), name };
  const { key, value, secret } = await sealLinkRequest(link, { deviceId: device.id, name });
  const abort = new AbortController();
  const answerSoul = INBOX_SOUL_PREFIX + (await replyInbox(secret));
  try {
    const answer = new Promise<LinkReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new LinkError('no-answer', LINK_MESSAGES['no-answer'])), Math.max(0, link.x - Date.now()) + GRACE_MS);
      abort.signal.addEventListener('abort', () => clearTimeout(timer));
      watchSoul(
        gun,
        answerSoul,
        (raw) => {
          void openLinkReply(raw, secret).then((reply) => {
            if (reply === 'rejected') reject(new LinkError('rejected', LINK_MESSAGES.rejected));
            else if (reply) resolve(reply);
          });
        },
        abort.signal,
      );
    });
    onCode(await confirmationCode(secret));
    const sent = putUntilAcked(gun, INBOX_SOUL_PREFIX + link.inbox, key, value, abort.signal);
    sent.catch(() => undefined); // rejects only when aborted below
    await Promise.race([sent, answer]);
    return { ...(await answer), device };
  } finally {
    abort.abort(new Error('done'));
  }
}
