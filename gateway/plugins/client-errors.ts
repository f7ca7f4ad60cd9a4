import type { GatewayPlugin } from '../plugin.js';

/** `extensions.http.status` as Apollo Server's own errors carry it. */
const statusOf = (extensions: Record<string, unknown> | undefined): number | undefined => {
  const http = extensions?.['http'];
  return typeof http === 'object' && http !== null && typeof (http as { status?: unknown }).status === 'number' ? (http as { status: number }).status : undefined;
};

/**
 * Apollo Server refuses some requests with HTTP 400 and an error that has no code (an APQ
 * hash that does not match its query, an APQ version other than 1): its error formatting then
 * calls them INTERNAL_SERVER_ERROR. A 4xx is the client's mistake, so it gets BAD_USER_INPUT.
 * Listed before the telemetry plugin, so the code is set before errors are counted and logged.
 */
export function clientErrors(): GatewayPlugin {
  return {
    name: 'client-errors',
    apollo: {
      requestDidStart: async () => ({
        didEncounterErrors: async ({ errors }) => {
          for (const error of errors) {
            // Not every error reaching plugins is a GraphQLError (a fetch that failed outright has no extensions).
            const status = statusOf(error.extensions as Record<string, unknown> | undefined);
            if (status !== undefined && error.extensions['code'] === undefined && status >= 400 && status < 500) {
              (error.extensions as Record<string, unknown>)['code'] = 'BAD_USER_INPUT';
            }
          }
        },
      }),
    },
  };
}
