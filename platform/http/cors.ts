import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsOptions {
  /** `*` or the exact origins allowed to call the API from a browser. */
  origins: '*' | string[];
}

/** Whether a browser page from `origin` may use the API. */
export const originAllowed = (origin: string, { origins }: CorsOptions): boolean => origins === '*' || origins.includes(origin);

/** Answers CORS preflights and adds CORS headers; true when the request was a preflight and is done. */
export function applyCors(request: IncomingMessage, response: ServerResponse, cors: CorsOptions): boolean {
  const origin = request.headers.origin;
  if (origin && originAllowed(origin, cors)) {
    response.setHeader('access-control-allow-origin', cors.origins === '*' ? '*' : origin);
    if (cors.origins !== '*') response.setHeader('vary', 'Origin');
  }
  if (request.method !== 'OPTIONS') return false;
  response.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers':
      request.headers['access-control-request-headers'] ?? 'content-type, authorization, apollo-require-preflight',
    'access-control-max-age': '86400',
  });
  response.end();
  return true;
}
