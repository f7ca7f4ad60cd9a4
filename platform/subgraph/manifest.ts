import type { Env } from '../config/env.js';
import type { InProcessBroker } from '../messaging/in-process.js';
import type { LogOutput } from '../observability/logger.js';
import type { RunningSubgraph } from './graphql-server.js';

/** What the process that starts a subgraph hands it besides its environment. */
export interface SubgraphRuntime {
  /**
   * Domain event streams shared with the other subgraphs of this process, used when
   * REDIS_URL is unset (the embedded default, tests). Without one a subgraph keeps its
   * events to itself.
   */
  broker?: InProcessBroker;
  /** Where its log lines go instead of stderr (tests read them). */
  logOutput?: LogOutput;
}

/**
 * A subgraph as the rest of the system knows it: `subgraphs/<name>/manifest.ts`. Codegen,
 * `npm start`, `npm run start:subgraph`, the docker compose generator and the tests read
 * it; nothing outside the subgraph's folder needs more.
 */
export interface SubgraphManifest {
  name: string;
  /** Default port (4001–4006, DESIGN.md), the port of its routing_url in supergraph.yaml. */
  port: number;
  /** GraphQL type → the type `models.ts` exports that its resolvers return (codegen mappers). */
  mappers: Readonly<Record<string, string>>;
  /** Signs access tokens (users): it gets the private key; the others verify with its JWKS. */
  issuesTokens?: boolean;
  /** Subgraphs this one calls directly; it finds each at `<NAME>_SUBGRAPH_URL`. */
  calls?: readonly string[];
  /** Starts it from an environment, as `npm run start:subgraph -- <name>` does. */
  start(env: Env, runtime?: SubgraphRuntime): Promise<RunningSubgraph>;
}
