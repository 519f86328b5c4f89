/** Reading request bodies and writing JSON answers, including Status errors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest } from './status-errors.js';

export interface Reply {
  code: number;
  body: unknown;
  headers?: Record<string, string | string[]>;
  /** Sent as text/plain instead of `body` as JSON (health checks answer `ok` so). */
  text?: string;
}

const MAX_BODY = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new ApiError(413, 'RequestEntityTooLarge', 'the request is too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`the request body is not valid JSON: ${(e as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, reply: Reply): void {
  const plain = reply.text !== undefined;
  const text = plain ? (reply.text as string) : JSON.stringify(reply.body);
  res.writeHead(reply.code, {
    'Content-Type': plain ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  const apiError = error instanceof ApiError
    ? error
    : new ApiError(500, 'InternalError', `Internal error occurred: ${(error as Error)?.message ?? String(error)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, { code: apiError.code, body: apiError.toStatus() });
}
