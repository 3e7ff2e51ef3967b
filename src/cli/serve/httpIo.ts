import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

export type ApiErrorCode =
  | 'unauthorized' | 'forbidden_host' | 'not_found' | 'method_not_allowed' | 'invalid_body' | 'invalid_request'
  | 'unsupported_media_type' | 'payload_too_large' | 'conflict' | 'budget_required' | 'internal';

/** An answer other than success; its message is meant for the person reading the client's output. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: { field?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...jsonHeaders, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, e: ApiError): void {
  sendJson(res, e.status, { error: { code: e.code, message: e.message, ...(e.extra.field ? { field: e.extra.field } : {}) } }, e.extra.headers);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * Checks `Authorization: Bearer <token>` in constant time. Both sides are hashed first so that
 * timingSafeEqual compares equal lengths and the token's length does not leak either.
 */
export function checkBearer(req: IncomingMessage, expected: Buffer): void {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  const ok = match !== null && timingSafeEqual(digest(match[1]!), expected);
  if (!ok) {
    throw new ApiError(401, 'unauthorized', 'Send the token that `baton serve` printed (or BATON_SERVE_TOKEN) as "Authorization: Bearer <token>".', {
      headers: { 'www-authenticate': 'Bearer realm="baton"' },
    });
  }
}

export function tokenDigest(token: string): Buffer {
  return digest(token);
}

/**
 * Reads a JSON body of at most `limit` bytes. An oversized body is drained before the 413 so the
 * client reads the answer instead of a reset connection; a wildly oversized one is cut off.
 */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', `Send the body as JSON with "Content-Type: application/json"${type ? ` (got "${type}")` : ''}.`);
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit * 16 || declared > limit * 16) {
      req.destroy();
      break;
    }
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit || declared > limit) throw new ApiError(413, 'payload_too_large', `The body is larger than ${Math.round(limit / 1024)} KB.`, { headers: { connection: 'close' } });
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'invalid_body', 'The body is not valid JSON.');
  }
}

/** Validates a parsed body; the error names the first field that is wrong and what is expected. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  let message: string;
  if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  else if (!field) message = `the body must be a JSON object (${issue.message})`;
  else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) message = `"${field}" is required`;
  else message = `"${field}": ${issue.message}`;
  return fail(message, issue.code === 'unrecognized_keys' ? issue.keys[0] : field || undefined);
}

function fail(message: string, field: string | undefined): never {
  throw new ApiError(400, 'invalid_body', `Invalid body: ${message}.`, field ? { field } : {});
}
