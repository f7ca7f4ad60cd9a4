// SIGTERM on a real process, as Kubernetes sends it: /ready fails first (so the endpoint is
// removed while the server still answers), then the server drains and the process exits 0.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { generateSigningKeyPem } from '../platform/auth/signing-key.js';
import { projectPath } from '../platform/paths.js';
import { createDatabase } from './support/databases.js';
import type { TestDatabase } from './support/databases.js';
import { TEST_REDIS_URL } from './support/env.js';
import { eventually } from './support/eventually.js';
import { freePort } from './support/free-port.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createDatabase('shutdown');
});
afterAll(() => database.close());

const status = async (url: string): Promise<number> => (await fetch(url).catch(() => null))?.status ?? 0;

test('on SIGTERM a subgraph fails /ready while /health still answers, then drains and exits 0', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(projectPath('node_modules', '.bin', 'tsx'), [projectPath('subgraphs', 'main.ts'), 'users'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      PORT: String(port),
      USERS_DATABASE_URL: database.url,
      JWT_PRIVATE_KEY: generateSigningKeyPem(),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      SHUTDOWN_DELAY_MS: '3000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await eventually(async () => (await status(`${base}/ready`)) === 200, 60_000, 'the subgraph to be ready');
    child.kill('SIGTERM');
    await eventually(async () => (await status(`${base}/ready`)) === 503, 2_000, '/ready to fail');
    expect(await (await fetch(`${base}/ready`)).json()).toEqual({ status: 'unavailable', problems: ['stopping'] });
    expect(await status(`${base}/health`)).toBe(200);
    const answered = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(answered.status).toBe(200);
    expect(await exited).toBe(0);
    expect(await status(`${base}/health`)).toBe(0);
  } finally {
    child.kill('SIGKILL');
  }
}, 90_000);
