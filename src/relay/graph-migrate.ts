/**
 * Copies a graph kept by GUN's radisk (relays before graph-store.ts) into the GraphStore, once, at start. The radisk
 * files stay where they are (nothing is lost if the copy turns out incomplete; the operator may delete them); a
 * marker file in the store's folder says the copy was made.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { GraphStore } from './graph-store.js';

const require = createRequire(import.meta.url);

type RadixTree = ((key: string) => unknown) & Record<string, unknown>;
type RadiskRead = (key: string, cb: (err: unknown, data: RadixTree | undefined, info: { more?: number }) => void, opt?: object) => void;
interface RadiskModule {
  (opt: object): RadiskRead;
  decode(text: string, o: unknown, esc: string): unknown;
  Radix: { map(tree: RadixTree, each: (value: unknown, key: string) => unknown, opt?: object): unknown };
}

const ESC = String.fromCharCode(27);

/** Copies every node of the radisk folder `from` into `store`; returns how many values were copied. */
export async function migrateRadisk(from: string, store: GraphStore): Promise<number> {
  const marker = join(store.folder, 'migrated-from-radisk');
  if (!existsSync(join(from, '!')) || existsSync(marker)) return 0;
  const Radisk = require('gun/lib/radisk') as RadiskModule;
  const rfs = require('gun/lib/rfs') as (opt: object) => unknown;
  const rad = Radisk({ file: from, store: rfs({ file: from }), log: () => undefined });
  const values: Array<[string, string, unknown, number]> = [];
  await new Promise<void>((resolve, reject) => {
    rad('', (err, data, info) => {
      if (err) return reject(new Error(String(err)));
      if (data) {
        Radisk.Radix.map(data, (val, path) => {
          const at = path.indexOf(ESC);
          if (at <= 0) return;
          const entry = decode(val);
          if (entry) values.push([path.slice(0, at), path.slice(at + 1), entry.value, entry.state]);
        });
      }
      if (!info?.more) resolve();
    });
  });
  for (const [soul, key, value, state] of values) await store.write(soul, key, value, state);
  await writeFile(marker, `${values.length} values copied from ${from} on ${new Date().toISOString()}\n`);
  return values.length;

  function decode(val: unknown): { value: unknown; state: number } | undefined {
    if (val && typeof val === 'object') {
      const v = val as { ':'?: unknown; '>'?: unknown };
      return typeof v['>'] === 'number' ? { value: v[':'], state: v['>'] } : undefined;
    }
    if (typeof val !== 'string') return undefined;
    const at = val.lastIndexOf('>');
    const state = at < 0 ? undefined : Radisk.decode(val.slice(at + 1), null, ESC);
    return typeof state === 'number' ? { value: Radisk.decode(val.slice(0, at), null, ESC), state } : undefined;
  }
}
