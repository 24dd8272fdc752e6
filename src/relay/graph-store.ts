/**
 * The file store under GUN's radisk (its `opt.store`: get, put, list), in place of GUN's own lib/rfs.js.
 *
 * Radisk names each of its files after the first key the file holds, URI-encoded: soul, separator, key. Meshdrop's
 * keys are long (`~<87-char pub>/md1/r/<id>/<87-char pub>` and the like), so when a file grew past radisk's 1 MB
 * chunk and was split at such a key, the new file's name passed the file system's 255-byte limit: the write
 * failed with ENAMETOOLONG and every put batched with it was acked with that error (a client saw its write
 * refused, and nothing of the batch was stored). Here a name too long for the file system is stored under the
 * SHA-256 of the name instead; radisk still sees and asks for its own names. Names that fit are kept as they are,
 * so a data folder written by rfs.js reads the same.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Longest radisk name stored as is: with the temp file's `<folder>-` prefix and `-xyz.tmp` suffix it stays well under 255 bytes. */
export const MAX_PLAIN_NAME_BYTES = 200;

/** Marks a hashed name. Radisk names are encodeURIComponent output, which never contains '@', so none can collide. */
const HASHED = '@';
/** Beside a hashed file: the radisk name it stands for (read only by `list`, when radisk lost its directory file). */
const NAME_SUFFIX = '.name';

/** The store interface radisk calls. */
export interface RadiskStore {
  get(file: string, cb: (err?: unknown, data?: string) => void): void;
  put(file: string, data: string, cb: (err?: unknown, ok?: boolean) => void): void;
  list(cb: (file?: string) => void): void;
}

/** The file name radisk's `name` is kept under in the folder. */
export function diskName(name: string): string {
  if (Buffer.byteLength(name) <= MAX_PLAIN_NAME_BYTES) return name;
  return HASHED + createHash('sha256').update(name).digest('hex');
}

/** A radisk store over `folder` (created if missing). */
export function graphStore(folder: string): RadiskStore {
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true });
  /** Data being written, by radisk name: a read during the write gets it (as rfs.js does). */
  const writing = new Map<string, { id: string; data: string }>();

  const write = async (name: string, data: string): Promise<void> => {
    const file = diskName(name);
    if (file !== name && !existsSync(join(folder, file + NAME_SUFFIX))) await writeFile(join(folder, file + NAME_SUFFIX), name);
    // Written beside the folder, then renamed in: radisk lists the folder as its files, and never sees half a file.
    const tmp = join(dirname(folder), `${basename(folder)}-${file}-${randomBytes(3).toString('hex')}.tmp`);
    try {
      await writeFile(tmp, data);
      await rename(tmp, join(folder, file));
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  };

  return {
    put(name, data, cb) {
      const id = randomBytes(4).toString('hex');
      writing.set(name, { id, data });
      write(name, data).then(
        () => cb(undefined, true),
        (err: unknown) => cb(err),
      ).finally(() => {
        if (writing.get(name)?.id === id) writing.delete(name);
      });
    },
    get(name, cb) {
      const pending = writing.get(name);
      if (pending) return cb(undefined, pending.data);
      readFile(join(folder, diskName(name)), 'utf8').then(
        (data) => cb(undefined, data),
        (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? cb() : cb(err)),
      );
    },
    list(cb) {
      for (const file of readdirSync(folder)) {
        if (file.endsWith(NAME_SUFFIX)) continue;
        if (!file.startsWith(HASHED)) {
          cb(file);
          continue;
        }
        try {
          cb(readFileSync(join(folder, file + NAME_SUFFIX), 'utf8'));
        } catch {
          /* its name was never written (cut off mid-write): radisk cannot place this file's keys anyway */
        }
      }
      cb();
    },
  };
}
