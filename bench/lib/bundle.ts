// Bundle size (issue 5.4): gzip of the built app, and of the app's own code with GUN/SEA left out.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface BundleResult {
  /** dist/app/app.js as built by rollup (app + GUN + SEA + lit + idb ...), gzip KB. */
  totalGzipKB: number;
  totalMinKB: number;
  /** The same entry bundled and minified with gun marked external: what the 150 KB goal is about. */
  appGzipKB: number;
  appMinKB: number;
  /** gun.js + sea.js minified, gzip KB (for reference: total ≈ app + this). */
  gunGzipKB: number;
}

const kb = (n: number) => Math.round((n / 1024) * 10) / 10;

async function minified(entry: string, external: string[]): Promise<Buffer> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    external,
    tsconfig: 'tsconfig.json',
    define: { __MESHDROP_DEFAULT_RELAYS__: '[]', 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return Buffer.from(out.outputFiles[0]!.contents);
}

export async function bundleSizes(appJs = 'dist/app/app.js'): Promise<BundleResult> {
  const total = readFileSync(appJs);
  const app = await minified('src/main.ts', ['gun', 'gun/*']);
  const gun = Buffer.concat([await minified('node_modules/gun/gun.js', []), await minified('node_modules/gun/sea.js', ['gun', './gun', '../gun', 'crypto', '@peculiar/webcrypto', 'text-encoding', 'buffer'])]);
  return {
    totalGzipKB: kb(gzipSync(total, { level: 9 }).length),
    totalMinKB: kb(total.length),
    appGzipKB: kb(gzipSync(app, { level: 9 }).length),
    appMinKB: kb(app.length),
    gunGzipKB: kb(gzipSync(gun, { level: 9 }).length),
  };
}
