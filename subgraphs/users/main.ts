// The users subgraph as its own process (distributed mode): `node dist/subgraphs/users/main.js`.
import { createLogger } from '../shared/logger.js';
import { runMain, stopOnSignals } from '../shared/process.js';
import { loadUsersConfig } from './config.js';
import { startUsersSubgraph } from './subgraph.js';

runMain(async () => {
  const config = loadUsersConfig(process.env);
  const subgraph = await startUsersSubgraph(config);
  stopOnSignals(() => subgraph.stop(), createLogger('users', config.logLevel, config.production));
});
