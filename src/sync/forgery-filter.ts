/**
 * Drops writes into a user space that are signed by someone else.
 *
 * GUN 0.2020's SEA accepts a value under `~<pub>…` if it carries another key in a `*` field and is signed by that
 * key: the certificate (`+`) that should authorise it is only checked when present. So anyone could write into
 * anyone's space — forge a delivery receipt, or overwrite an envelope or file chunk with junk. Meshdrop never uses
 * certificates, so every peer of ours (each relay and each app) removes such values before GUN or SEA sees them.
 */

/** A GUN message as it comes off the wire (graph form `{soul: node}`, or GUN's single-key form). */
export interface WireMessage {
  put?: Record<string, unknown>;
}

interface Hear {
  one(msg: WireMessage, peer: unknown, ...rest: unknown[]): unknown;
}

/** The pub a soul belongs to, the way SEA reads it (`~<x>.<y>…`), or undefined for other souls. */
export function userSpaceOf(soul: string): string | undefined {
  const after = soul.split('~')[1];
  if (!after) return undefined;
  const parts = after.split(/[^\w_-]/).slice(0, 2);
  if (parts.length !== 2 || !parts[0] || !parts[1] || parts[0].startsWith('@')) return undefined;
  return parts.join('.');
}

/** True for a stored value that names a signer (`*`) or certificate (`+`) of its own. */
export function namesOtherSigner(value: unknown): boolean {
  // Cheap test first: chunks are ~350 KB strings, and an honest `{":…,"~":…}` value contains neither key.
  if (typeof value !== 'string' || (!value.includes('"*"') && !value.includes('"+"'))) return false;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && ('*' in parsed || '+' in parsed);
  } catch {
    return false;
  }
}

/**
 * Removes such values from a put (mutating it). Returns how many were removed, and whether anything is left
 * to deliver.
 */
export function stripForeignSigned(put: Record<string, unknown>): { removed: number; empty: boolean } {
  if (typeof put['#'] === 'string') {
    const forged = userSpaceOf(put['#']) !== undefined && namesOtherSigner(put[':']);
    return { removed: forged ? 1 : 0, empty: forged };
  }
  let removed = 0;
  let kept = 0;
  for (const [soul, node] of Object.entries(put)) {
    if (typeof node !== 'object' || node === null) continue;
    const fields = node as Record<string, unknown>;
    const userSpace = userSpaceOf(soul) !== undefined;
    const states = ((fields._ as { '>'?: Record<string, unknown> } | undefined) ?? {})['>'];
    for (const key of Object.keys(fields)) {
      if (key === '_') continue;
      if (userSpace && namesOtherSigner(fields[key])) {
        delete fields[key];
        if (states) delete states[key];
        removed++;
      } else kept++;
    }
  }
  return { removed, empty: removed > 0 && kept === 0 };
}

/** Installs the filter in front of GUN's per-message handler. `onRemoved` counts what was dropped. */
export function installForgeryFilter(mesh: { hear: Hear }, onRemoved: (count: number) => void = () => undefined): void {
  const one = mesh.hear.one;
  mesh.hear.one = function (msg, peer, ...rest) {
    if (msg?.put && typeof msg.put === 'object') {
      const { removed, empty } = stripForeignSigned(msg.put);
      if (removed) onRemoved(removed);
      if (empty) return undefined;
    }
    return one.call(this, msg, peer, ...rest);
  };
}
