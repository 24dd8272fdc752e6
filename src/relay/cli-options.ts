import type { RelayOptions } from './relay.js';
import { parseSize } from './sizes.js';
import { parseDuration } from './blob-options.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: meshdrop-relay [options]

  --port N           HTTP + GUN port (default 8765, env PORT; 0 picks a free one)
  --host ADDR        interface to listen on (default 0.0.0.0, env MESHDROP_HOST)
  --data DIR         folder for the relay's GUN data (default ./data/relay, env MESHDROP_DATA)
  --peers URL,...    other relays to mesh with, e.g. http://relay2:8765/gun (env MESHDROP_PEERS)
  --app DIR          built app to serve (default: the dist/app next to this program)
  --no-app           run a data-only relay that serves no app
  --max-message N    largest websocket message in bytes (default 4194304, env MESHDROP_MAX_MESSAGE)
  --routing MODE     "subscribed" (default): send each write only to peers that asked for it and to other
                     relays; "broadcast": GUN's default, every write to every peer (env MESHDROP_ROUTING)
  --rate N           messages per second one client may send, bursts of 5×N (default 200, 0 = no limit;
                     links with the relays in --peers are exempt) (env MESHDROP_RATE)
  --max-disk SIZE    total size of the data folder (graph + blobs), e.g. 200MB, 50GB; when full, new writes
                     are refused with "relay full" (default 10GB, 0 = only the disk's free space) (env MESHDROP_MAX_DISK)
  --quota-day SIZE   bytes one signing key or one connection may write per UTC day (default 100MB, 0 = no
                     limit) (env MESHDROP_QUOTA_DAY)
  --quota-stored SIZE
                     bytes one signing key or one connection may have stored here in all (default 1GB)
                     (env MESHDROP_QUOTA_STORED)
  --address-quota-day SIZE
                     bytes all connections from one client address (IPv6: one /64) may write per UTC day
                     (default 400MB) (env MESHDROP_ADDRESS_QUOTA_DAY)
  --address-quota-stored SIZE
                     bytes one client address may have stored here in all (default 4GB)
                     (env MESHDROP_ADDRESS_QUOTA_STORED)
  --trust-proxy      take the client address from the last X-Forwarded-For entry (set it only behind a reverse
                     proxy that sets that header; otherwise clients could pick their own address) (env
                     MESHDROP_TRUST_PROXY=1)
  --no-push          turn the Web Push sender off (no VAPID keys, /push/* answers 404)
  --push-subject URL contact for push services in the VAPID token, mailto: or https:
                     (default mailto:relay-operator@meshdrop.invalid, env MESHDROP_PUSH_SUBJECT)
  --push-coalesce MS at most one push per device and chat within MS milliseconds (default 10000)
  --push-insecure-loopback
                     accept http:// push endpoints on 127.0.0.1/localhost (tests' stand-in push service only)
  --blobs DIR        folder for file blobs (default: <data>/blobs) (env MESHDROP_BLOBS)
  --keep-files DUR   how long file blobs are kept after upload, e.g. 30d, 12h, 90m (default 30d;
                     expired files are deleted from disk) (env MESHDROP_KEEP_FILES)
  --upload-quota SZ  file bytes one client address may upload per day, e.g. 5GB, 500MB (default 10GiB,
                     0 = no limit) (env MESHDROP_UPLOAD_QUOTA)
  --help             show this help
Sizes: a number of bytes, or with a unit: KB, MB, GB, TB (1 MB = 1,000,000 bytes) or KiB, MiB, GiB, TiB.`;

/** Defaults of the relay's limits (README, "Running a public relay", states them too). */
export const DEFAULT_LIMITS = {
  maxDiskBytes: 10e9,
  quotaDayBytes: 100e6,
  quotaStoredBytes: 1e9,
  addressQuotaDayBytes: 400e6,
  addressQuotaStoredBytes: 4e9,
};

function parseSizeOption(raw: string, name: string): number {
  const n = parseSize(raw);
  if (n === undefined) throw new UsageError(`${name} must be a size such as 200MB or 50GB (or 0 for no limit), not "${raw}".`);
  return n;
}

function parseFlag(raw: string, name: string): boolean {
  if (/^(1|true|yes)$/i.test(raw.trim())) return true;
  if (/^(0|false|no|)$/i.test(raw.trim())) return false;
  throw new UsageError(`${name} must be 1 or 0, not "${raw}".`);
}

function parseKeepFiles(raw: string, name = '--keep-files'): number {
  const ms = parseDuration(raw);
  if (ms === undefined) throw new UsageError(`${name} must be a duration such as 30d, 12h, 90m or 45s, not "${raw}".`);
  return ms;
}

function parseUploadQuota(raw: string, name = '--upload-quota'): number {
  const bytes = parseSize(raw);
  if (bytes === undefined) throw new UsageError(`${name} must be a size such as 5GB, 500MB or 0 (no limit), not "${raw}".`);
  return bytes;
}

function parsePort(raw: string, name = '--port'): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${name} must be a whole number from 0 to 65535, not "${raw}".`);
  return n;
}

function parseMaxMessage(raw: string, name = '--max-message'): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 64 * 1024) {
    throw new UsageError(`${name} must be a whole number of bytes, at least 65536, not "${raw}".`);
  }
  return n;
}

function parseRate(raw: string, name = '--rate'): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${name} must be a whole number of messages per second (0 = no limit), not "${raw}".`);
  return n;
}

function parseRouting(raw: string, name = '--routing'): 'subscribed' | 'broadcast' {
  if (raw === 'subscribed' || raw === 'broadcast') return raw;
  throw new UsageError(`${name} must be "subscribed" or "broadcast", not "${raw}".`);
}

function parsePeers(raw: string, name = '--peers'): string[] {
  const peers = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of peers) {
    let url: URL;
    try {
      url = new URL(p);
    } catch {
      throw new UsageError(`${name}: "${p}" is not a URL (expected e.g. http://relay2:8765/gun).`);
    }
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
      throw new UsageError(`${name}: "${p}" must start with http://, https://, ws:// or wss://.`);
    }
  }
  return peers;
}

function parsePushSubject(raw: string, name = '--push-subject'): string {
  if (/^mailto:[^@\s]+@[^@\s]+$/.test(raw) || /^https:\/\/[^\s]+$/.test(raw)) return raw;
  throw new UsageError(`${name} must be a mailto: address or an https:// URL (push services contact the operator there), not "${raw}".`);
}

/** Reads options from argv first, then the environment, then defaults. Throws UsageError with a clear message. */
export function parseRelayOptions(argv: string[], env: Record<string, string | undefined>, defaultAppDir: string): RelayOptions | 'help' {
  const options: RelayOptions = {
    port: env.PORT ? parsePort(env.PORT, 'PORT') : 8765,
    host: env.MESHDROP_HOST ?? '0.0.0.0',
    dataDir: env.MESHDROP_DATA ?? 'data/relay',
    peers: env.MESHDROP_PEERS ? parsePeers(env.MESHDROP_PEERS, 'MESHDROP_PEERS') : [],
    appDir: defaultAppDir,
    maxMessageBytes: env.MESHDROP_MAX_MESSAGE ? parseMaxMessage(env.MESHDROP_MAX_MESSAGE, 'MESHDROP_MAX_MESSAGE') : 4 * 1024 * 1024,
    routing: env.MESHDROP_ROUTING ? parseRouting(env.MESHDROP_ROUTING, 'MESHDROP_ROUTING') : 'subscribed',
    ratePerClient: env.MESHDROP_RATE ? parseRate(env.MESHDROP_RATE, 'MESHDROP_RATE') : 200,
    maxDiskBytes: env.MESHDROP_MAX_DISK ? parseSizeOption(env.MESHDROP_MAX_DISK, 'MESHDROP_MAX_DISK') : DEFAULT_LIMITS.maxDiskBytes,
    quotaDayBytes: env.MESHDROP_QUOTA_DAY ? parseSizeOption(env.MESHDROP_QUOTA_DAY, 'MESHDROP_QUOTA_DAY') : DEFAULT_LIMITS.quotaDayBytes,
    quotaStoredBytes: env.MESHDROP_QUOTA_STORED ? parseSizeOption(env.MESHDROP_QUOTA_STORED, 'MESHDROP_QUOTA_STORED') : DEFAULT_LIMITS.quotaStoredBytes,
    addressQuotaDayBytes: env.MESHDROP_ADDRESS_QUOTA_DAY
      ? parseSizeOption(env.MESHDROP_ADDRESS_QUOTA_DAY, 'MESHDROP_ADDRESS_QUOTA_DAY')
      : DEFAULT_LIMITS.addressQuotaDayBytes,
    addressQuotaStoredBytes: env.MESHDROP_ADDRESS_QUOTA_STORED
      ? parseSizeOption(env.MESHDROP_ADDRESS_QUOTA_STORED, 'MESHDROP_ADDRESS_QUOTA_STORED')
      : DEFAULT_LIMITS.addressQuotaStoredBytes,
    trustProxy: env.MESHDROP_TRUST_PROXY ? parseFlag(env.MESHDROP_TRUST_PROXY, 'MESHDROP_TRUST_PROXY') : false,
  };
  if (env.MESHDROP_PUSH_SUBJECT) options.push = { subject: parsePushSubject(env.MESHDROP_PUSH_SUBJECT, 'MESHDROP_PUSH_SUBJECT') };
  if (env.MESHDROP_BLOBS) options.blobDir = env.MESHDROP_BLOBS;
  if (env.MESHDROP_KEEP_FILES) options.keepFilesMs = parseKeepFiles(env.MESHDROP_KEEP_FILES, 'MESHDROP_KEEP_FILES');
  if (env.MESHDROP_UPLOAD_QUOTA) options.uploadQuotaBytes = parseUploadQuota(env.MESHDROP_UPLOAD_QUOTA, 'MESHDROP_UPLOAD_QUOTA');
  const args = [...argv];
  const value = (flag: string): string => {
    const v = args.shift();
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
    return v;
  };
  const nonEmpty = (flag: string, v: string): string => {
    if (v.trim() === '') throw new UsageError(`${flag} needs a value.`);
    return v;
  };
  while (args.length > 0) {
    const arg = args.shift() as string;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = () => nonEmpty(flag, inline ?? value(flag));
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--no-app':
        if (inline !== undefined) throw new UsageError('--no-app takes no value.');
        delete options.appDir;
        break;
      case '--port':
        options.port = parsePort(take());
        break;
      case '--host':
        options.host = take();
        break;
      case '--data':
        options.dataDir = take();
        break;
      case '--peers':
        options.peers = parsePeers(take());
        break;
      case '--app':
        options.appDir = take();
        break;
      case '--rate':
        options.ratePerClient = parseRate(take());
        break;
      case '--routing':
        options.routing = parseRouting(take());
        break;
      case '--max-message':
        options.maxMessageBytes = parseMaxMessage(take());
        break;
      case '--max-disk':
        options.maxDiskBytes = parseSizeOption(take(), flag);
        break;
      case '--quota-day':
        options.quotaDayBytes = parseSizeOption(take(), flag);
        break;
      case '--quota-stored':
        options.quotaStoredBytes = parseSizeOption(take(), flag);
        break;
      case '--address-quota-day':
        options.addressQuotaDayBytes = parseSizeOption(take(), flag);
        break;
      case '--address-quota-stored':
        options.addressQuotaStoredBytes = parseSizeOption(take(), flag);
        break;
      case '--trust-proxy':
        if (inline !== undefined) throw new UsageError('--trust-proxy takes no value.');
        options.trustProxy = true;
        break;
      case '--no-push':
      case '--push-insecure-loopback':
        if (inline !== undefined) throw new UsageError(`${flag} takes no value.`);
        options.push = { ...options.push, ...(flag === '--no-push' ? { enabled: false } : { insecureLoopback: true }) };
        break;
      case '--push-subject':
        options.push = { ...options.push, subject: parsePushSubject(take()) };
        break;
      case '--push-coalesce': {
        const raw = take();
        const ms = /^\d+$/.test(raw) ? Number(raw) : NaN;
        if (!Number.isSafeInteger(ms)) throw new UsageError(`--push-coalesce must be a whole number of milliseconds, not "${raw}".`);
        options.push = { ...options.push, coalesceMs: ms };
        break;
      }
      case '--blobs':
        options.blobDir = take();
        break;
      case '--keep-files':
        options.keepFilesMs = parseKeepFiles(take());
        break;
      case '--upload-quota':
        options.uploadQuotaBytes = parseUploadQuota(take());
        break;
      default:
        throw new UsageError(`Unknown option "${arg}". Run with --help to see the options.`);
    }
  }
  return options;
}
