import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../observability/logger.js';
import { createHttpServer, Router, sendJson } from './http-server.js';
import { staticFiles } from './static-files.js';

const root = mkdtempSync(join(tmpdir(), 'static-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<h1>live</h1>');
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(tmpdir(), 'outside-static.txt'), 'secret');

const router = new Router()
  .on('/graphql', (_request, response) => sendJson(response, 200, { route: 'graphql' }))
  .onPrefix('/s/', (_request, response) => sendJson(response, 200, { route: 'short link' }))
  .onPrefix('/', staticFiles(root, { prefix: '/' }));
const server = createHttpServer(router, createLogger('test', 'silent'));
let origin = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

test('exact routes win, then the longest prefix', async () => {
  expect(await (await fetch(`${origin}/graphql`)).json()).toEqual({ route: 'graphql' });
  expect(await (await fetch(`${origin}/s/abc1234`)).json()).toEqual({ route: 'short link' });
});

test('files are served with their type; the index is revalidated, assets are cached', async () => {
  const index = await fetch(`${origin}/`);
  expect([index.status, index.headers.get('content-type'), index.headers.get('cache-control'), await index.text()]).toEqual([200, 'text/html; charset=utf-8', 'no-cache', '<h1>live</h1>']);
  const script = await fetch(`${origin}/assets/app.js`);
  expect([script.status, script.headers.get('content-type'), script.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=300']);
  const head = await fetch(`${origin}/assets/app.js`, { method: 'HEAD' });
  expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '14', '']);
});

test('nothing outside the root is reachable, however the path is spelt', async () => {
  for (const path of ['/../outside-static.txt', '/%2e%2e/outside-static.txt', '/assets/..%2f..%2foutside-static.txt', '/%00', '/%E0%A4%A', '/missing.js']) {
    expect([path, (await fetch(`${origin}${path}`)).status]).toEqual([path, 404]);
  }
  expect((await fetch(`${origin}/index.html`, { method: 'POST' })).status).toBe(405);
});
