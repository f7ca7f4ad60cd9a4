import type { Viewer } from '../platform/auth/token-verifier.js';

/** A gateway request: who it acts as, and the header every subgraph fetch forwards. */
export interface GatewayContext {
  viewer: Viewer | null;
  authorization: string | undefined;
}
