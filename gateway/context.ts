import type { Viewer } from '../platform/auth/token-verifier.js';

/** A gateway request: who it acts as, and the headers every subgraph fetch forwards. */
export interface GatewayContext {
  viewer: Viewer | null;
  authorization: string | undefined;
  /** The client's address (the peer of its connection), for subgraphs' per-client limits. */
  clientAddress?: string | undefined;
}
