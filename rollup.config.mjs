// Builds the PWA (app bundle, static files, Workbox service worker) into dist/app and the relay into dist/relay.
import { cp, mkdir } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import nodeResolve from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import esbuild from 'rollup-plugin-esbuild';
import { injectManifest } from 'workbox-build';

const production = process.env.NODE_ENV !== 'development';
const APP_DIR = 'dist/app';
// Relays compiled into the app as defaults (comma separated), in addition to the one that served the page.
const defaultRelays = JSON.stringify((process.env.MESHDROP_DEFAULT_RELAYS ?? '').split(',').map((s) => s.trim()).filter(Boolean));

/** Copies public/ and the manifest next to the bundle. */
function copyStatic() {
  return {
    name: 'meshdrop-copy-static',
    async writeBundle() {
      await mkdir(APP_DIR, { recursive: true });
      await cp('public', APP_DIR, { recursive: true });
      await cp('manifest.webmanifest', `${APP_DIR}/manifest.webmanifest`);
    },
  };
}

/** Runs Workbox over the bundled worker so it precaches exactly what was built. */
function workboxInjectManifest() {
  return {
    name: 'meshdrop-workbox',
    async writeBundle() {
      const { count, size, warnings } = await injectManifest({
        swSrc: '.tmp/sw.js',
        swDest: `${APP_DIR}/sw.js`,
        globDirectory: APP_DIR,
        globPatterns: ['**/*.{html,js,css,png,svg,webmanifest,json}'],
        // Install-dialog screenshots are fetched by the browser when needed; no need to precache them.
        globIgnores: ['sw.js', 'screenshots/**'],
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
      });
      for (const w of warnings) console.warn(w);
      console.log(`workbox: precaching ${count} files, ${(size / 1024).toFixed(1)} KB`);
    },
  };
}

const browserPlugins = () => [
  nodeResolve({ browser: true }),
  commonjs(),
  esbuild({
    target: 'es2022',
    minify: production,
    tsconfig: 'tsconfig.json',
    define: { __MESHDROP_DEFAULT_RELAYS__: defaultRelays },
  }),
];

const nodeExternal = (id) => builtinModules.includes(id) || id.startsWith('node:') || /^[a-z@]/.test(id);

export default [
  {
    input: 'src/main.ts',
    output: { file: `${APP_DIR}/app.js`, format: 'es', sourcemap: true },
    plugins: [...browserPlugins(), copyStatic()],
    onwarn(warning, warn) {
      // GUN's UMD files use `this` at the top level and eval-free dynamic requires; both are harmless here.
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'EVAL') return;
      warn(warning);
    },
  },
  {
    input: 'src/sw/sw.ts',
    output: { file: '.tmp/sw.js', format: 'iife' },
    plugins: [
      nodeResolve({ browser: true }),
      esbuild({ target: 'es2022', minify: production, tsconfig: 'tsconfig.sw.json', define: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
      workboxInjectManifest(),
    ],
  },
  {
    input: 'src/relay/main.ts',
    output: { file: 'dist/relay/main.js', format: 'es', sourcemap: true },
    external: nodeExternal,
    plugins: [esbuild({ target: 'node20', tsconfig: 'tsconfig.node.json' })],
  },
];
