import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import webpush from 'web-push';

/** The relay's VAPID identity: apps subscribe with the public key, pushes are signed with the private one. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/** File in the relay's data folder holding its VAPID key pair (mode 0600: the private key signs every push). */
export const VAPID_FILE = 'push-vapid.json';

const B64URL = /^[A-Za-z0-9_-]+$/;

const isKeys = (v: unknown): v is VapidKeys => {
  const k = v as Partial<VapidKeys> | null;
  return typeof k?.publicKey === 'string' && B64URL.test(k.publicKey) && typeof k.privateKey === 'string' && B64URL.test(k.privateKey);
};

/**
 * Reads the relay's VAPID keys, creating them on first start. A damaged file is an error, never silently
 * replaced: new keys would orphan every subscription apps made with the old public key.
 */
export async function loadOrCreateVapidKeys(dataDir: string): Promise<VapidKeys> {
  const file = join(dataDir, VAPID_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isKeys(parsed)) throw new Error(`${file} is damaged (expected {"publicKey","privateKey"}); restore it or delete it to make new keys (apps must then turn push on again).`);
    return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
  }
  const keys = webpush.generateVAPIDKeys();
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(keys), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
  return keys;
}
