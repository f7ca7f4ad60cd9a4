// The gateway as its own process (distributed mode): `node dist/gateway/main.js`.
import { runProcess } from '../platform/process/run-process.js';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './server.js';

runProcess('gateway', (env) => startGateway(loadGatewayConfig(env)));
