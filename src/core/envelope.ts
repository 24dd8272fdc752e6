import type { FileMeta, MemberProfile } from '../store/schema.js';
import type { SeaPair } from '../types/gun.js';
import { decryptWith, encryptWith, signWith, verifySigned } from './crypto.js';
import { isChannelId, isMessageId, isPub } from './ids.js';
import { MAX_BLOB_CHUNKS } from './files.js';

/**
 * Envelopes: the only thing Meshdrop writes for a message. Pure (no GUN graph, no storage).
 *
 *   outer (stored in GUN) = SEA.sign({ v: 1, e: epoch, ct }, authorPair)
 *   ct                    = SEA.encrypt(inner, channelKey[epoch])
 *   inner                 = { id, channel, author, sentAt, epoch, lamport?, seq?, prev?, kind, body }
 *
 * The epoch is the only thing outside the ciphertext (a counter), so a reader knows which key to use.
 */

export const MAX_TEXT_CHARS = 4000;
/** Largest outer envelope accepted before any crypto runs (bounds the work an attacker can cause). */
export const MAX_ENVELOPE_CHARS = 128 * 1024;
/** Largest decrypted inner message (JSON characters). */
export const MAX_INNER_CHARS = 64 * 1024;
export const MAX_NAME_CHARS = 60;
export const MAX_GROUP_MEMBERS = 64;

export type GroupMember = MemberProfile;

export type SystemPayload =
  | { type: 'profile'; name: string }
  | { type: 'group-key'; group: string; nonce: string; title: string; epoch: number; key: string; members: GroupMember[]; admin: string }
  | { type: 'group-removed'; group: string }
  | { type: 'group-leave'; group: string };

interface InnerBase {
  id: string;
  channel: string;
  author: string;
  /** The sender's wall clock: a label only, never the order. */
  sentAt: number;
  epoch: number;
  /** Lamport clock of the chat when sent (one more than the largest the sender had seen there). Absent in old envelopes. */
  lamport?: number;
  /** The author's sequence number in this chat (from this device: 1, 2, 3, …). */
  seq?: number;
  /** Id of the author's previous message in this chat (from this device): a reader that lacks it asks for it. */
  prev?: string;
}

/** Longest reaction (one emoji, possibly a multi-code-point sequence such as a flag or a family). */
export const MAX_EMOJI_CHARS = 32;

/** A text message that answers another message of the same chat (`to`: its id). */
export interface ReplyBody {
  text: string;
  to: string;
}

/**
 * A change to an earlier message of the same chat (see docs/PROTOCOL.md, "Conversation actions"): a reaction
 * (empty emoji = reaction removed), an edit of the author's own text, or a deletion for everyone.
 */
export type ActionPayload =
  | { type: 'react'; target: string; emoji: string }
  | { type: 'edit'; target: string; text: string }
  | { type: 'delete'; target: string };

export type InnerMessage = InnerBase &
  (
    | { kind: 'text'; body: string }
    | { kind: 'file'; body: FileMeta }
    | { kind: 'system'; body: SystemPayload }
    | { kind: 'reply'; body: ReplyBody }
    | { kind: 'action'; body: ActionPayload }
  );

export type OpenFailure = 'oversized' | 'malformed' | 'signature' | 'no-key' | 'decrypt' | 'mismatch';

export type OpenResult = { ok: true; inner: InnerMessage } | { ok: false; reason: OpenFailure; epoch?: number };

export interface OpenContext {
  /** Pub of the user space the envelope was read from. */
  signer: string;
  /** Channel id of the path it was read from. */
  channel: string;
  /** Key it was stored under. */
  id: string;
  keyFor(epoch: number): string | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isShortString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function isFileMeta(v: unknown): v is FileMeta {
  if (!isObject(v)) return false;
  return (
    isShortString(v.fileId, 64) && /^[0-9a-f]{16,64}$/.test(v.fileId) &&
    isShortString(v.name, 255) && v.name.length > 0 &&
    isCount(v.size) && isShortString(v.type, 255) &&
    isShortString(v.sha256, 128) && isShortString(v.key, 512) &&
    isCount(v.chunkSize) && v.chunkSize > 0 && isCount(v.chunkCount) &&
    (v.chunkHashes === undefined || (Array.isArray(v.chunkHashes) && v.chunkHashes.length <= MAX_BLOB_CHUNKS && v.chunkHashes.every((h) => isShortString(h, 64))))
  );
}

function isGroupMember(v: unknown): v is GroupMember {
  return isObject(v) && isPub(v.pub) && isShortString(v.epub, 200) && v.epub.length > 20 && isShortString(v.name, MAX_NAME_CHARS);
}

export function isSystemPayload(v: unknown): v is SystemPayload {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'profile':
      return isShortString(v.name, MAX_NAME_CHARS);
    case 'group-key':
      return (
        isChannelId(v.group) && typeof v.nonce === 'string' && /^[0-9a-f]{32}$/.test(v.nonce) &&
        isShortString(v.title, MAX_NAME_CHARS) && isCount(v.epoch) &&
        isShortString(v.key, 256) && v.key.length >= 32 && isPub(v.admin) &&
        Array.isArray(v.members) && v.members.length <= MAX_GROUP_MEMBERS && v.members.every(isGroupMember)
      );
    case 'group-removed':
    case 'group-leave':
      return isChannelId(v.group);
    default:
      return false;
  }
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT_CHARS;

/** One emoji-like string: no ASCII letters/digits/controls, so a reaction cannot carry a message of its own. */
const isEmoji = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_EMOJI_CHARS && !/[\u0000-\u0020a-zA-Z0-9<>&"'`]/.test(v);

/** Checks the body of an 'action' envelope. */
export function isActionPayload(v: unknown): v is ActionPayload {
  if (!isObject(v) || !isMessageId(v.target)) return false;
  switch (v.type) {
    case 'react':
      return isEmoji(v.emoji);
    case 'edit':
      return isText(v.text);
    case 'delete':
      return true;
    default:
      return false;
  }
}

function isInner(v: unknown): v is InnerMessage {
  if (!isObject(v)) return false;
  if (!isMessageId(v.id) || !isChannelId(v.channel) || !isPub(v.author) || !isCount(v.sentAt) || !isCount(v.epoch)) return false;
  if (v.lamport !== undefined && !(isCount(v.lamport) && v.lamport > 0)) return false;
  if (v.seq !== undefined && !(isCount(v.seq) && v.seq > 0)) return false;
  if (v.prev !== undefined && (!isMessageId(v.prev) || v.prev === v.id)) return false;
  switch (v.kind) {
    case 'text':
      return isText(v.body);
    case 'reply':
      return isObject(v.body) && isText(v.body.text) && isMessageId(v.body.to);
    case 'action':
      return isActionPayload(v.body) && v.body.target !== v.id;
    case 'file':
      return isFileMeta(v.body);
    case 'system':
      return isSystemPayload(v.body);
    default:
      return false;
  }
}

/** Encrypts with the channel key of `inner.epoch` and signs with the author's pair. */
export async function sealEnvelope(inner: InnerMessage, key: string, author: SeaPair): Promise<string> {
  if (!isInner(inner)) throw new Error('Refusing to seal an invalid message');
  if (inner.author !== author.pub) throw new Error('Envelope author must be the signer');
  const ct = await encryptWith(inner, key);
  return signWith({ v: 1, e: inner.epoch, ct }, author);
}

/**
 * Verifies, decrypts and checks an envelope read from `~signer/md1/c/<channel>/<id>`.
 * Never throws: anything that fails a check is reported as a failure reason and must be dropped.
 */
export async function openEnvelope(raw: unknown, ctx: OpenContext): Promise<OpenResult> {
  try {
    if (typeof raw !== 'string') return { ok: false, reason: 'malformed' };
    if (raw.length > MAX_ENVELOPE_CHARS) return { ok: false, reason: 'oversized' };
    if (!raw.startsWith('SEA{')) return { ok: false, reason: 'malformed' };
    const outer = await verifySigned(raw, ctx.signer);
    if (!isObject(outer)) return { ok: false, reason: 'signature' };
    if (outer.v !== 1 || !isCount(outer.e) || typeof outer.ct !== 'string') return { ok: false, reason: 'malformed' };
    const key = ctx.keyFor(outer.e);
    if (!key) return { ok: false, reason: 'no-key', epoch: outer.e };
    const inner = await decryptWith(outer.ct, key);
    if (inner === undefined || inner === null) return { ok: false, reason: 'decrypt' };
    if (JSON.stringify(inner).length > MAX_INNER_CHARS) return { ok: false, reason: 'oversized' };
    if (!isInner(inner)) return { ok: false, reason: 'malformed' };
    if (inner.author !== ctx.signer || inner.channel !== ctx.channel || inner.id !== ctx.id || inner.epoch !== outer.e) {
      return { ok: false, reason: 'mismatch' };
    }
    return { ok: true, inner };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}
