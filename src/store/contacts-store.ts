import type { MeshdropDatabase } from './db.js';
import type { ContactRecord } from './schema.js';

export function getContact(db: MeshdropDatabase, pub: string): Promise<ContactRecord | undefined> {
  return db.get('contacts', pub);
}

export async function putContact(db: MeshdropDatabase, contact: ContactRecord): Promise<void> {
  await db.put('contacts', contact);
}

export function listContacts(db: MeshdropDatabase): Promise<ContactRecord[]> {
  return db.getAll('contacts');
}

/** Adds a contact unless one with that key exists; returns the stored record and whether it is new. */
export async function addContactIfNew(db: MeshdropDatabase, contact: ContactRecord): Promise<{ contact: ContactRecord; added: boolean }> {
  const tx = db.transaction('contacts', 'readwrite');
  const existing = await tx.store.get(contact.pub);
  if (existing) {
    await tx.done;
    return { contact: existing, added: false };
  }
  await tx.store.put(contact);
  await tx.done;
  return { contact, added: true };
}

export async function updateContact(db: MeshdropDatabase, pub: string, change: (c: ContactRecord) => void): Promise<ContactRecord | undefined> {
  const tx = db.transaction('contacts', 'readwrite');
  const c = await tx.store.get(pub);
  if (c) {
    change(c);
    await tx.store.put(c);
  }
  await tx.done;
  return c;
}
