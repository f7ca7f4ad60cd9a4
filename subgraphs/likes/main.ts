// The likes subgraph as its own process (distributed mode): `node dist/subgraphs/likes/main.js`.
import { runProcess } from '../shared/process.js';
import { loadLikesConfig } from './config.js';
import { startLikesSubgraph } from './subgraph.js';

runProcess('likes', loadLikesConfig, startLikesSubgraph);
