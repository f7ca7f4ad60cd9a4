// The redirect's answers, built once: the hot path writes a prepared header list and body.

/** Never cached: a link can be deleted, and every visit must reach the counter. */
const COMMON = ['cache-control', 'no-store', 'referrer-policy', 'strict-origin-when-cross-origin', 'x-content-type-options', 'nosniff'];

export interface PreparedResponse {
  status: number;
  /** Flat [name, value, name, value, …], as `writeHead` takes it without copying into an object. */
  headers: string[];
  body: Buffer;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

function page(status: number, title: string, html: string, extra: string[] = []): PreparedResponse {
  const body = Buffer.from(`<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>${title}</title>\n<body>${html}</body></html>\n`);
  return { status, headers: [...extra, 'content-type', 'text/html; charset=utf-8', 'content-length', String(body.length), ...COMMON], body };
}

/** 302 to `url` (already serialised by the WHATWG parser, so a valid header value). */
export const redirectTo = (url: string): PreparedResponse =>
  page(302, 'Redirecting', `<p>Redirecting to <a href="${escapeHtml(url)}">${escapeHtml(url)}</a>.</p>`, ['location', url]);

export const NOT_FOUND = page(404, 'Link not found', '<h1>Link not found</h1><p>No short link has this address.</p>');
export const GONE = page(410, 'Link gone', '<h1>Link gone</h1><p>This short link was deleted or has expired.</p>');
export const UNAVAILABLE = page(503, 'Try again', '<h1>Try again</h1><p>This short link cannot be looked up right now.</p>', ['retry-after', '1']);
export const METHOD_NOT_ALLOWED = page(405, 'Method not allowed', '<h1>Method not allowed</h1><p>Short links answer GET and HEAD.</p>', ['allow', 'GET, HEAD']);
