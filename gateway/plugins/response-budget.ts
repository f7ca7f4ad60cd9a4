import type { GatewayContext } from '../context.js';
import type { GatewayPlugin, ResponseBudget } from '../plugin.js';

/**
 * A budget of subgraph response bytes per client request, HTTP or WebSocket query: the
 * costliest operation the other limits allow returned 11 MB, and four at once took 688 MiB.
 * The transport stops reading a subgraph's answer once the request's budget is spent, and the
 * fields it would have filled fail with BAD_USER_INPUT. Subscription events run outside
 * Apollo Server's pipeline and are bounded per socket instead (unread bytes).
 */
export function responseBudget(maxBytes: number): GatewayPlugin {
  const budgets = new WeakMap<GatewayContext, ResponseBudget>();
  return {
    name: 'response-budget',
    apollo: {
      requestDidStart: async ({ contextValue }) => {
        budgets.set(contextValue, { remainingBytes: maxBytes, maxBytes });
      },
    },
    wrapSubgraphFetch: (next) => (request) => {
      const budget = budgets.get(request.context);
      return next(budget ? { ...request, budget } : request);
    },
  };
}
