declare const __MESHDROP_DEFAULT_RELAYS__: string[] | undefined;

/** Relays compiled in at build time: `MESHDROP_DEFAULT_RELAYS=https://a/gun,https://b/gun npm run build`. */
export const BUILD_DEFAULT_RELAYS: readonly string[] =
  typeof __MESHDROP_DEFAULT_RELAYS__ !== 'undefined' ? __MESHDROP_DEFAULT_RELAYS__ : [];
