// Peer for bench/gateways.ts: Hive Gateway's runtime with the Rust query planner
// (`@graphql-hive/router-runtime`), on node:http as its docs show, forwarding the client's
// Authorization header to the subgraphs (they authorize each viewer themselves).
//
//   node --import tsx bench/peers/hive-gateway.ts <supergraph.graphql> <port>
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';

const [supergraphPath = '', port = '0'] = process.argv.slice(2);
const gateway = createGatewayRuntime({
  supergraph: readFileSync(supergraphPath, 'utf8'),
  unifiedGraphHandler,
  logging: 'warn',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
  },
});
createServer(gateway).listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
