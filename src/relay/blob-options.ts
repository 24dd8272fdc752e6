/**
 * Parsing of the blob store's command-line values: durations (`--keep-files 30d`) and byte sizes
 * (`--upload-quota 5GB`). Pure functions returning undefined for bad input, so the CLI can word the error.
 */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds for "30d", "12h", "90m", "45s", "500ms", "2w" (a bare number means seconds); undefined if malformed or 0. */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/i.exec(raw.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (DURATION_UNITS[(m[2] ?? 's').toLowerCase()] as number);
  return Number.isFinite(ms) && ms >= 1 && ms <= 100 * 365 * 86_400_000 ? Math.round(ms) : undefined;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/** Bytes for "200MB", "50GB", "1.5GiB", "4096" (bytes); undefined if malformed. */
export function parseByteSize(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i.exec(raw.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * (SIZE_UNITS[(m[2] ?? 'b').toLowerCase()] as number);
  return Number.isSafeInteger(Math.round(n)) ? Math.round(n) : undefined;
}

/** Files are kept this long after upload unless --keep-files says otherwise. */
export const DEFAULT_KEEP_FILES_MS = 30 * 86_400_000;
/** Bytes one client address may upload per UTC day unless --upload-quota says otherwise. */
export const DEFAULT_UPLOAD_QUOTA_BYTES = 10 * 1024 ** 3;
/** Largest blob accepted: a chunk of a 2 GB file (chunk size grows with the file) plus IV and tag, with room. */
export const DEFAULT_MAX_BLOB_BYTES = 8 * 1024 * 1024;
