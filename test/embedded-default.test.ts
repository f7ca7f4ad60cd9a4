import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEmbeddedConfig } from '../embedded/config.js';
import { startEmbedded } from '../embedded/start.js';
import { DEMO_PASSWORD } from '../subgraphs/shared/demo.js';
import { dataOf, graphql } from './support/graphql.js';

// The `npm start` code path (embedded/main.ts does exactly this), on PGlite in a temporary
// data directory, with free ports instead of 4000–4006.
test('the embedded default seeds demo data, serves the gateway, and keeps its data across a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'supergraph-embedded-'));
  const config = loadEmbeddedConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' });
  try {
    let supergraph = await startEmbedded(config);
    try {
      const seeded = dataOf(
        await graphql<{ users: { totalCount: number }; userByUsername: { role: string; followersCount: number } }>(
          supergraph.gatewayUrl,
          '{ users { totalCount } userByUsername(username: "ada") { role followersCount } }',
        ),
      );
      expect(seeded).toEqual({ users: { totalCount: 5 }, userByUsername: { role: 'ADMIN', followersCount: 4 } });
      const login = dataOf(
        await graphql<{ login: { accessToken: string } }>(supergraph.gatewayUrl, 'mutation ($p: String!) { login(usernameOrEmail: "grace", password: $p) { accessToken } }', {
          p: DEMO_PASSWORD,
        }),
      );
      dataOf(await graphql(supergraph.gatewayUrl, 'mutation { updateProfile(input: { bio: "Kept across restarts" }) { id } }', {}, { token: login.login.accessToken }));
    } finally {
      await supergraph.stop();
    }
    expect(statSync(join(dataDir, 'jwt-signing-key.pem')).mode & 0o077).toBe(0);
    expect(existsSync(join(dataDir, 'users'))).toBe(true);

    supergraph = await startEmbedded(config);
    try {
      const after = dataOf(
        await graphql<{ users: { totalCount: number }; userByUsername: { bio: string } }>(supergraph.gatewayUrl, '{ users { totalCount } userByUsername(username: "grace") { bio } }'),
      );
      expect(after).toEqual({ users: { totalCount: 5 }, userByUsername: { bio: 'Kept across restarts' } });
    } finally {
      await supergraph.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
