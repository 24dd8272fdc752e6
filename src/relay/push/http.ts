import type { IncomingMessage, ServerResponse } from 'node:http';
import { PushInputError } from './errors.js';
import type { RegistrationStore } from './registrations.js';

/** Largest request body accepted on /push/* (a subscription plus 2000 souls is about 200 KB). */
export const MAX_PUSH_BODY_BYTES = 256 * 1024;

// Apps register with every relay they use, not only the one that served them: allow any origin. Nothing here
// relies on cookies or ambient authority, so CORS adds no risk.
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
};

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...CORS });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PUSH_BODY_BYTES) throw new PushInputError(413, 'body-too-large', `The request body is larger than ${MAX_PUSH_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new PushInputError(400, 'bad-json', 'The request body is not JSON.');
  }
}

const endpointOf = (body: unknown): string => {
  const b = body as { endpoint?: unknown; subscription?: { endpoint?: unknown } } | null;
  const endpoint = b?.endpoint ?? b?.subscription?.endpoint;
  if (typeof endpoint !== 'string' || endpoint === '') throw new PushInputError(400, 'bad-endpoint', 'Send {"endpoint": "<the subscription endpoint>"}.');
  return endpoint;
};

/**
 * Serves the push API: GET /push/vapid → {publicKey}; POST /push/subscribe {subscription, souls} → 201;
 * POST /push/unsubscribe or DELETE /push/subscribe {endpoint} → {removed}; GET /push/status → counts. Errors: {error: {code, message}}.
 * Returns false for URLs outside /push/.
 */
export function createPushHandler(store: RegistrationStore, publicKey: string, stats: () => Record<string, number> = () => ({})): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith('/push/')) return false;
    void (async () => {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS).end();
        return;
      }
      if (path === '/push/vapid' && req.method === 'GET') return reply(res, 200, { publicKey });
      // Counts only (no endpoints or souls): for operators and tests.
      if (path === '/push/status' && req.method === 'GET') return reply(res, 200, { registrations: store.size, ...stats() });
      if (path === '/push/subscribe' && req.method === 'POST') {
        const body = (await readJson(req)) as { subscription?: unknown; souls?: unknown } | null;
        if (typeof body !== 'object' || body === null) throw new PushInputError(400, 'bad-json', 'Send {"subscription": {...}, "souls": [...]}.');
        const reg = store.register(body.subscription, body.souls, req.socket.remoteAddress ?? '');
        return reply(res, 201, { ok: true, souls: reg.souls.length });
      }
      if ((path === '/push/unsubscribe' && req.method === 'POST') || (path === '/push/subscribe' && req.method === 'DELETE')) {
        return reply(res, 200, { ok: true, removed: store.remove(endpointOf(await readJson(req))) });
      }
      throw new PushInputError(path === '/push/vapid' || path === '/push/subscribe' || path === '/push/unsubscribe' ? 405 : 404, 'not-found', `No ${req.method} ${path} here.`);
    })().catch((err: unknown) => {
      if (res.headersSent) return res.end();
      if (err instanceof PushInputError) reply(res, err.status, { error: { code: err.code, message: err.message } });
      else reply(res, 500, { error: { code: 'internal', message: 'The relay could not handle this push request.' } });
    });
    return true;
  };
}
