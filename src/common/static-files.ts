import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response } from 'express';

/** A file served from memory: its bytes, gzipped bytes, media type and ETag. */
export interface StaticFile {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  html: 'text/html; charset=utf-8',
};

/** The media type of a file name's extension; plain bytes for any other. */
export function contentTypeOf(name: string): string {
  return TYPES[/\.([a-z]+)$/.exec(name)?.[1] ?? ''] ?? 'application/octet-stream';
}

/** A file ready to serve, gzipped once. */
export async function staticFile(
  content: string | Buffer,
  contentType: string,
): Promise<StaticFile> {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, gzipped: await promisify(gzip)(body, { level: 9 }), contentType, etag };
}

/**
 * Sends `file`: gzipped where the client accepts it, 304 where it holds the same version
 * (`If-None-Match`, strong or weak), with `cacheControl`.
 */
export function sendStatic(
  request: Request,
  response: Response,
  file: StaticFile,
  cacheControl: string,
): void {
  response.set({
    'content-type': file.contentType,
    etag: file.etag,
    'cache-control': cacheControl,
    vary: 'accept-encoding',
  });
  const known = (request.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim());
  if (known.includes(file.etag) || known.includes(`W/${file.etag}`)) {
    response.status(304).end();
    return;
  }
  const gzipped = request.acceptsEncodings('gzip', 'identity') === 'gzip';
  if (gzipped) {
    response.set('content-encoding', 'gzip');
  }
  response.end(gzipped ? file.gzipped : file.body);
}
