import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PushInputError } from './errors.js';
import { parseSubscription, PUSH_SOUL, type StoredSubscription } from './subscription.js';

/** Bounds on what apps can make a relay remember (and send pushes to). */
export interface RegistrationLimits {
  /** Registrations one client address may hold. */
  perOwner: number;
  /** Souls one registration may follow. */
  soulsPerRegistration: number;
  /** Registrations the relay holds in all. */
  total: number;
}

/** Defaults: a person has a few devices (each one registration), and a few hundred chats × members. */
export const DEFAULT_REGISTRATION_LIMITS: RegistrationLimits = { perOwner: 16, soulsPerRegistration: 2000, total: 20_000 };

/** One app's request: send a push to `subscription` when one of `souls` is written. */
export interface Registration {
  subscription: StoredSubscription;
  souls: string[];
  /** Address of the client that registered it; bounds registrations per client. */
  owner: string;
  updatedAt: number;
}

/** File in the data folder holding the registrations (mode 0600: endpoints let anyone push to that device). */
export const REGISTRATIONS_FILE = 'push-registrations.json';

const SAVE_DELAY_MS = 200;

/**
 * Push registrations by endpoint, with an index from soul to endpoints, persisted (debounced) in the data folder.
 * The endpoint is the registration's identity: re-registering it replaces its souls; knowing it (a secret URL the
 * push service made for one device) is what lets an app remove it.
 */
export class RegistrationStore {
  private readonly byEndpoint = new Map<string, Registration>();
  private readonly bySoul = new Map<string, Set<string>>();
  private readonly perOwner = new Map<string, number>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    readonly limits: RegistrationLimits = DEFAULT_REGISTRATION_LIMITS,
    readonly allowLoopbackHttp = false,
    private readonly file?: string,
  ) {}

  /** Opens the store kept in `dataDir`, dropping (with a count) entries that no longer validate. */
  static async open(dataDir: string, limits: RegistrationLimits, allowLoopbackHttp: boolean): Promise<RegistrationStore> {
    const store = new RegistrationStore(limits, allowLoopbackHttp, join(dataDir, REGISTRATIONS_FILE));
    let text: string | undefined;
    try {
      text = await readFile(join(dataDir, REGISTRATIONS_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) return store;
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch {
      list = [];
    }
    for (const r of Array.isArray(list) ? list : []) {
      try {
        const reg = r as Registration;
        store.register(reg.subscription, reg.souls, typeof reg.owner === 'string' ? reg.owner : '', false);
      } catch {
        /* an entry that no longer passes the checks (limits lowered, bad data) is dropped */
      }
    }
    return store;
  }

  get size(): number {
    return this.byEndpoint.size;
  }

  /** Validates and stores (or replaces) a registration. Throws PushInputError with a status and code. */
  register(subscriptionJson: unknown, soulsJson: unknown, owner: string, save = true): Registration {
    const subscription = parseSubscription(subscriptionJson, this.allowLoopbackHttp);
    if (!Array.isArray(soulsJson)) throw new PushInputError(400, 'bad-souls', 'souls must be an array of strings like "~<pub>/md1/c/<channelId>".');
    const souls = [...new Set(soulsJson)];
    if (souls.length > this.limits.soulsPerRegistration) {
      throw new PushInputError(400, 'too-many-souls', `A registration may follow at most ${this.limits.soulsPerRegistration} souls, not ${souls.length}.`);
    }
    for (const s of souls) {
      if (typeof s !== 'string' || !PUSH_SOUL.test(s)) throw new PushInputError(400, 'bad-soul', `"${String(s).slice(0, 120)}" is not a channel soul "~<pub>/md1/c/<channelId>".`);
    }
    const existing = this.byEndpoint.get(subscription.endpoint);
    if (!existing) {
      if ((this.perOwner.get(owner) ?? 0) >= this.limits.perOwner) {
        throw new PushInputError(429, 'too-many-registrations', `This address already holds ${this.limits.perOwner} push registrations on this relay; remove one first.`);
      }
      if (this.byEndpoint.size >= this.limits.total) throw new PushInputError(503, 'relay-full', 'This relay holds as many push registrations as it allows; try another relay.');
    } else this.remove(subscription.endpoint, false);
    const reg: Registration = { subscription, souls: souls as string[], owner, updatedAt: Date.now() };
    this.byEndpoint.set(subscription.endpoint, reg);
    this.perOwner.set(owner, (this.perOwner.get(owner) ?? 0) + 1);
    for (const soul of reg.souls) {
      let set = this.bySoul.get(soul);
      if (!set) this.bySoul.set(soul, (set = new Set()));
      set.add(subscription.endpoint);
    }
    if (save) this.scheduleSave();
    return reg;
  }

  /** Removes the registration for `endpoint`; false if there was none. */
  remove(endpoint: string, save = true): boolean {
    const reg = this.byEndpoint.get(endpoint);
    if (!reg) return false;
    this.byEndpoint.delete(endpoint);
    const left = (this.perOwner.get(reg.owner) ?? 1) - 1;
    if (left > 0) this.perOwner.set(reg.owner, left);
    else this.perOwner.delete(reg.owner);
    for (const soul of reg.souls) {
      const set = this.bySoul.get(soul);
      set?.delete(endpoint);
      if (set?.size === 0) this.bySoul.delete(soul);
    }
    if (save) this.scheduleSave();
    return true;
  }

  get(endpoint: string): Registration | undefined {
    return this.byEndpoint.get(endpoint);
  }

  /** Registrations following `soul`. */
  following(soul: string): Registration[] {
    const set = this.bySoul.get(soul);
    return set ? [...set].map((e) => this.byEndpoint.get(e)).filter((r): r is Registration => r !== undefined) : [];
  }

  private scheduleSave(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.writeFile()).catch((err: unknown) => console.error('meshdrop-relay: could not save push registrations:', err));
    }, SAVE_DELAY_MS);
  }

  private async writeFile(): Promise<void> {
    if (!this.file) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify([...this.byEndpoint.values()]), { mode: 0o600 });
    await rename(tmp, this.file);
  }

  /** Writes any pending change now (on shutdown, and for tests). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.writeFile());
    }
    await this.saving;
  }
}
