// The users subgraph as its own process (distributed mode): `node dist/subgraphs/users/main.js`.
import { runProcess } from '../shared/process.js';
import { loadUsersConfig } from './config.js';
import { startUsersSubgraph } from './subgraph.js';

runProcess('users', loadUsersConfig, startUsersSubgraph);
