import { openMeshdropDB, type MeshdropDatabase } from '../store/db.js';
import { loadIdentity, saveIdentity } from '../store/identity-store.js';
import { getSetting, setSetting } from '../store/settings-store.js';
import type { IdentityRecord } from '../store/schema.js';
import { RelayConnection, type ConnectionStatus } from '../sync/relay-connection.js';
import { createIdentity, exportIdentityBackup, importIdentityBackup, IdentityError } from './identity.js';
import { normaliseRelayList } from './relays.js';

export interface MeshdropOptions {
  /** Relays to use when the user has not configured any. */
  defaultRelays: string[];
  dbName?: string;
}

const RELAYS_SETTING = 'relays';

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * The app's controller: the single object the UI talks to. It owns local storage and the relay
 * connection and emits 'change' whenever something the UI shows may have changed.
 */
export class Meshdrop extends EventTarget {
  private constructor(
    readonly db: MeshdropDatabase,
    readonly connection: RelayConnection,
    private current: IdentityRecord | undefined,
  ) {
    super();
    connection.addEventListener('status', () => this.changed());
  }

  static async open(options: MeshdropOptions): Promise<Meshdrop> {
    const db = await openMeshdropDB(options.dbName);
    const stored = await getSetting(db, RELAYS_SETTING, isStringArray);
    const relays = stored && stored.length > 0 ? stored : options.defaultRelays;
    const identity = await loadIdentity(db);
    return new Meshdrop(db, new RelayConnection(relays), identity);
  }

  get identity(): IdentityRecord | undefined {
    return this.current;
  }

  get status(): ConnectionStatus {
    return this.connection.status;
  }

  async createIdentity(name: string): Promise<IdentityRecord> {
    if (this.current) throw new IdentityError('This device already has an identity.');
    const identity = await createIdentity(name);
    await saveIdentity(this.db, identity);
    this.current = identity;
    this.changed();
    return identity;
  }

  async exportBackup(passphrase: string): Promise<string> {
    if (!this.current) throw new IdentityError('There is no identity to back up yet.');
    return exportIdentityBackup(this.current, passphrase);
  }

  /**
   * Restores an identity from a backup. Decryption happens before anything is written, so a
   * wrong passphrase or a damaged file leaves the stored identity untouched.
   */
  async importBackup(text: string, passphrase: string, options: { replace: boolean }): Promise<IdentityRecord> {
    const identity = await importIdentityBackup(text, passphrase);
    if (this.current && this.current.pair.pub !== identity.pair.pub && !options.replace) {
      throw new IdentityError('This device already has a different identity. Confirm replacing it first.');
    }
    await saveIdentity(this.db, identity);
    this.current = identity;
    this.changed();
    return identity;
  }

  /** Relays this device syncs through (all at once: GUN keeps a socket to each, so losing one is not an outage). */
  get relays(): readonly string[] {
    return this.connection.relayUrls;
  }

  /**
   * Validates and stores the relay list; it takes effect on the next start (the caller reloads).
   * Throws RelayUrlError with a user-facing message and keeps the old list on bad input.
   */
  async setRelays(inputs: string[]): Promise<string[]> {
    const relays = normaliseRelayList(inputs);
    await setSetting(this.db, RELAYS_SETTING, relays);
    return relays;
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  close(): void {
    this.connection.close();
    this.db.close();
  }
}
