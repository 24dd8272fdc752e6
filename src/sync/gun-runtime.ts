// GUN is a UMD bundle with no ES module build: importing it for its side effect and
// reading the global it sets is the one way that works both bundled and unbundled (also in the service worker,
// which reads message envelopes behind a push: see worker-window.ts).
import { restoreWindow } from './worker-window.js'; // must load before GUN
import 'gun/gun.js';
import { restoreTextEncoder } from './sea-text-encoder.js'; // must load right before SEA
import 'gun/sea.js';
import type { GunFactory, SeaApi } from '../types/gun.js';

restoreTextEncoder();
restoreWindow();

const loaded = (globalThis as unknown as { Gun?: GunFactory }).Gun;
if (!loaded || !loaded.SEA) throw new Error('GUN or SEA failed to load');

export const Gun: GunFactory = loaded;
export const SEA: SeaApi = loaded.SEA;
