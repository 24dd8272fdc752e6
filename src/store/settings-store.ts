import type { MeshdropDatabase } from './db.js';

export async function getSetting<T>(db: MeshdropDatabase, key: string, guard: (v: unknown) => v is T): Promise<T | undefined> {
  const value = await db.get('settings', key);
  return guard(value) ? value : undefined;
}

export async function setSetting(db: MeshdropDatabase, key: string, value: unknown): Promise<void> {
  await db.put('settings', value, key);
}
