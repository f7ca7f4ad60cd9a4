import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';

/** What the page tells its reader about the live connection. */
export type SocketState = 'connecting' | 'live' | 'reconnecting';

export interface LiveClient {
  apollo: ApolloClient;
  dispose(): void;
}

const authorization = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

const httpUrl = `${location.origin}/graphql`;
const wsUrl = httpUrl.replace(/^http/, 'ws');

/**
 * Apollo Client the way the README tells web developers to set it up: queries and mutations
 * over HTTP, subscriptions over graphql-ws on the same `/graphql`. One client per signed-in
 * identity (signing in or out starts a new one, so no cached per-viewer field outlives its
 * viewer); a refreshed token of the same identity is read where it is needed.
 */
export function createLiveClient(accessToken: () => string | undefined, onSocket: (state: SocketState) => void): LiveClient {
  let connectedBefore = false;
  const socket = createClient({
    url: wsUrl,
    // A function, so a reconnect after the token expired sends the current one.
    connectionParams: () => authorization(accessToken()),
    // A page left open should come back by itself after a gateway restart or a network outage.
    retryAttempts: Infinity,
    shouldRetry: () => true,
    // Keeps reconnecting quick for a reader watching the page: 0.5 s, 1 s, 2 s, then every 3 s.
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 3_000))),
    // Pings detect a dead socket (a laptop's Wi-Fi dropped) that no close event would report.
    keepAlive: 10_000,
    on: {
      connecting: () => onSocket(connectedBefore ? 'reconnecting' : 'connecting'),
      connected: () => {
        // Events sent while the socket was down are lost: read the counters afresh.
        if (connectedBefore) void apollo.refetchQueries({ include: 'active' });
        connectedBefore = true;
        onSocket('live');
      },
      closed: () => onSocket(connectedBefore ? 'reconnecting' : 'connecting'),
    },
  });
  // Read per request: a refreshed token is used from the next request on.
  const auth = new ApolloLink((operation, forward) => {
    operation.setContext({ headers: authorization(accessToken()) });
    return forward(operation);
  });
  const http = auth.concat(new HttpLink({ uri: httpUrl }));
  const link = ApolloLink.split((operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION, new GraphQLWsLink(socket), http);
  const apollo = new ApolloClient({ link, cache: new InMemoryCache() });
  return {
    apollo,
    dispose() {
      apollo.stop();
      void socket.dispose();
    },
  };
}
