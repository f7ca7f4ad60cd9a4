// The gateway as its own process (distributed mode): `node dist/gateway/main.js`.
import { createLogger } from '../subgraphs/shared/logger.js';
import { runMain, stopOnSignals } from '../subgraphs/shared/process.js';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './server.js';

runMain(async () => {
  const config = loadGatewayConfig(process.env);
  const gateway = await startGateway(config);
  stopOnSignals(() => gateway.stop(), createLogger('gateway', config.logLevel, config.production));
});
