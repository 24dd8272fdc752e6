import type { MeshdropDatabase } from './db.js';
import type { OutboxRecord } from './schema.js';

export async function putOutbox(db: MeshdropDatabase, record: OutboxRecord): Promise<void> {
  await db.put('outbox', record);
}

export async function deleteOutbox(db: MeshdropDatabase, id: string): Promise<void> {
  await db.delete('outbox', id);
}

/** Pending writes, oldest first. */
export function listOutbox(db: MeshdropDatabase): Promise<OutboxRecord[]> {
  return db.getAllFromIndex('outbox', 'byCreated');
}
