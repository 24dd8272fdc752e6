import { relayLog as log } from './quiet-gun-greeting.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRelayOptions, USAGE, UsageError } from './cli-options.js';
import { startRelay } from './relay.js';
import { formatSize } from './sizes.js';

async function main(): Promise<void> {
  const defaultAppDir = fileURLToPath(new URL('../app/', import.meta.url));
  let options;
  try {
    options = parseRelayOptions(process.argv.slice(2), process.env, defaultAppDir);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`meshdrop-relay: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  if (options === 'help') {
    log(USAGE);
    return;
  }
  if (options.appDir && !existsSync(options.appDir)) {
    console.error(`meshdrop-relay: no built app at ${options.appDir}. Run "npm run build" first, or pass --no-app.`);
    process.exit(2);
  }
  const relay = await startRelay(options).catch((err: NodeJS.ErrnoException) => {
    const why = err.code === 'EADDRINUSE' ? `port ${options.port} is already in use (try --port 0 or another port)` : err.message;
    console.error(`meshdrop-relay: cannot start: ${why}`);
    process.exit(1);
  });
  log(`Meshdrop relay listening on ${relay.url} (GUN websocket at ${relay.url.replace('http', 'ws')}/gun)`);
  log(`  data: ${options.dataDir}${options.peers.length ? `\n  meshed with: ${options.peers.join(', ')}` : ''}`);
  const size = (n: number | undefined) => (n ? formatSize(n) : 'no limit');
  log(
    `  limits: disk ${size(options.maxDiskBytes)}; per key or connection ${size(options.quotaDayBytes)}/day, ${size(options.quotaStoredBytes)} stored; ` +
      `per address ${size(options.addressQuotaDayBytes)}/day, ${size(options.addressQuotaStoredBytes)} stored${options.trustProxy ? ' (address from X-Forwarded-For)' : ''}`,
  );
  log(`MESHDROP_RELAY_READY port=${relay.port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping relay (${relay.pendingWrites()} write(s) still going to disk)…`);
    // close() waits until the graph store has written everything received; then exit, as GUN keeps timers that never end.
    void relay.close().then(() => {
      const left = relay.pendingWrites();
      if (left > 0) console.error(`meshdrop-relay: ${left} write(s) were still not on disk when stopping.`);
      else log('all data on disk; bye.');
      process.exit(left > 0 ? 1 : 0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
