/**
 * Byte sizes as operators type them on the command line: `200MB`, `50GB`, `1.5G`, `512KiB`, `1048576`.
 * KB/MB/GB/TB (and K/M/G/T) are decimal like disk vendors' (1 MB = 1,000,000 bytes), KiB/MiB/GiB/TiB binary (the
 * same convention as the blob store's --upload-quota); a plain number is bytes.
 */

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  tib: 1024 ** 4,
};

/** Bytes for a size such as "200MB"; undefined when `raw` is not a size. */
export function parseSize(raw: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  if (!m) return undefined;
  const unit = UNITS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** A size for people, in decimal units: "200 MB", "1.5 GB", "512 B". */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  const shown = i === 0 || Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[i]}`;
}
