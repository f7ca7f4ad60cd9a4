import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSupergraph } from '../../embedded/start.js';
import type { RunningSupergraph } from '../../embedded/start.js';
import type { SubgraphEntry } from '../../platform/supergraph-config.js';
import { generateSigningKeyPem } from '../../platform/auth/signing-key.js';
import type { Env } from '../../platform/config/env.js';
import type { LogOutput } from '../../platform/observability/logger.js';
import type { RunningSubgraph } from '../../platform/subgraph/graphql-server.js';
import { createDatabase } from './databases.js';
import { TEST_REDIS_URL } from './env.js';
import { graphql } from './graphql.js';
import type { GraphQLResult, RequestOptions } from './graphql.js';
import { startStatementCounter } from './statement-counter.js';
import type { StatementCounter } from './statement-counter.js';

export interface TestSupergraph extends RunningSupergraph {
  /** A GraphQL request through the gateway. */
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GraphQLResult<T>>;
  /** Each domain's database URL, for tests that look under the API. */
  databaseUrls: Record<string, string>;
  /** SQL statements the subgraph `name` sent its database while `run` ran, counted on the wire. */
  statementsDuring(name: string, run: () => Promise<unknown>): Promise<number>;
  /** The key the users subgraph signs with, for tests that forge or expire tokens. */
  signingKeyPem: string;
  /** This supergraph's REDIS_PREFIX: its own channels and streams on the shared Redis. */
  redisPrefix: string;
  /** A pub/sub channel's full name in Redis, e.g. `channel('userStatsChanged:<id>')`. */
  channel(name: string): string;
  /**
   * Another instance of a subgraph with the environment the first was started with (same
   * database, key and Redis), on a free port or the one given; stopped with the supergraph.
   */
  startReplica(name: string, env?: Env): Promise<RunningSubgraph>;
}

/**
 * Every subgraph and the gateway, in this process, on fresh databases of the real
 * PostgreSQL (dropped by `stop`) and the real Redis.
 */
export async function startTestSupergraph({
  env = {},
  gatewayEnv = {},
  extraSubgraphs = [],
  logOutput,
}: { env?: Env; gatewayEnv?: Env; extraSubgraphs?: SubgraphEntry[]; logOutput?: LogOutput } = {}): Promise<TestSupergraph> {
  const workDir = mkdtempSync(join(tmpdir(), 'supergraph-test-'));
  const databaseUrls: Record<string, string> = {};
  const counters: Record<string, StatementCounter> = {};
  const signingKeyPem = generateSigningKeyPem();
  // Test runs share one Redis: each supergraph gets its own channels and event streams.
  const redisPrefix = `test-${randomBytes(4).toString('hex')}`;
  const supergraph = await startSupergraph({
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'error',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      // Every test registers its users from 127.0.0.1; the sign-up limit has its own test.
      REGISTRATIONS_PER_ADDRESS: '1000000',
      REGISTRATIONS_GLOBAL: '1000000',
      ...env,
    },
    gatewayEnv,
    gatewayPort: 0,
    subgraphPort: () => 0,
    openDatabase: async (name) => {
      const database = await createDatabase(name);
      const counter = (counters[name] = await startStatementCounter(database.url));
      databaseUrls[name] = database.url;
      return {
        url: counter.url,
        close: async () => {
          await counter.close();
          await database.close();
        },
      };
    },
    poolSize: 5,
    signingKeyPem,
    workDir,
    extraSubgraphs,
    ...(logOutput && { logOutput }),
  });
  const replicas: RunningSubgraph[] = [];
  return {
    ...supergraph,
    databaseUrls,
    async statementsDuring(name, run) {
      const before = counters[name]!.count();
      await run();
      return counters[name]!.count() - before;
    },
    signingKeyPem,
    redisPrefix,
    channel: (name) => `${redisPrefix}:${name}`,
    request: (query, variables, options) => graphql(supergraph.gatewayUrl, query, variables, options),
    async startReplica(name, overrides = {}) {
      const replica = await supergraph.manifests[name]!.start({ ...supergraph.subgraphEnv[name], PORT: '0', ...overrides }, { broker: supergraph.broker, ...(logOutput && { logOutput }) });
      replicas.push(replica);
      return replica;
    },
    async stop() {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await supergraph.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
