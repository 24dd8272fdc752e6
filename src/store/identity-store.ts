import type { MeshdropDatabase } from './db.js';
import type { IdentityRecord } from './schema.js';

export async function loadIdentity(db: MeshdropDatabase): Promise<IdentityRecord | undefined> {
  return db.get('identity', 'self');
}

export async function saveIdentity(db: MeshdropDatabase, identity: IdentityRecord): Promise<void> {
  await db.put('identity', identity, 'self');
}
