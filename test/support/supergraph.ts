import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSupergraph } from '../../embedded/start.js';
import type { RunningSupergraph } from '../../embedded/start.js';
import type { Env } from '../../subgraphs/shared/config.js';
import { generateSigningKeyPem } from '../../subgraphs/users/keys.js';
import { createDatabase } from './databases.js';
import { TEST_REDIS_URL } from './env.js';
import { graphql } from './graphql.js';
import type { GraphQLResult, RequestOptions } from './graphql.js';

export interface TestSupergraph extends RunningSupergraph {
  /** A GraphQL request through the gateway. */
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GraphQLResult<T>>;
  /** Each domain's database URL, for tests that look under the API. */
  databaseUrls: Record<string, string>;
  /** The key the users subgraph signs with, for tests that forge or expire tokens. */
  signingKeyPem: string;
}

/**
 * Every subgraph and the gateway, in this process, on fresh databases of the real
 * PostgreSQL (dropped by `stop`) and the real Redis.
 */
export async function startTestSupergraph({ env = {}, gatewayEnv = {} }: { env?: Env; gatewayEnv?: Env } = {}): Promise<TestSupergraph> {
  const workDir = mkdtempSync(join(tmpdir(), 'supergraph-test-'));
  const databaseUrls: Record<string, string> = {};
  const signingKeyPem = generateSigningKeyPem();
  const supergraph = await startSupergraph({
    env: { NODE_ENV: 'test', LOG_LEVEL: 'error', REDIS_URL: TEST_REDIS_URL, ...env },
    gatewayEnv,
    gatewayPort: 0,
    subgraphPort: () => 0,
    openDatabase: async (domain) => {
      const database = await createDatabase(domain);
      databaseUrls[domain] = database.url;
      return database;
    },
    poolSize: 5,
    signingKeyPem,
    workDir,
  });
  return {
    ...supergraph,
    databaseUrls,
    signingKeyPem,
    request: (query, variables, options) => graphql(supergraph.gatewayUrl, query, variables, options),
    async stop() {
      await supergraph.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
