/**
 * gun.js publishes itself (and SEA finds it) only through a global `window`, which a service worker does not have:
 * without one, sea.js falls back to `require('./gun')` and throws while loading. gun-runtime.ts imports this right
 * before GUN so that, in a worker, `window` is the worker's global while GUN and SEA load, and removes it after, so
 * nothing else in the worker mistakes itself for a page. In a page this does nothing.
 */
const scope = globalThis as { window?: unknown };
const shimmed = typeof scope.window === 'undefined';
if (shimmed) scope.window = globalThis;

/** Removes the stand-in `window` again (called by gun-runtime.ts once SEA has loaded). */
export function restoreWindow(): void {
  if (shimmed) delete scope.window;
}
