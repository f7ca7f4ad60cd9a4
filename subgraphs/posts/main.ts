// The posts subgraph as its own process (distributed mode): `node dist/subgraphs/posts/main.js`.
import { runProcess } from '../shared/process.js';
import { loadPostsConfig } from './config.js';
import { startPostsSubgraph } from './subgraph.js';

runProcess('posts', loadPostsConfig, startPostsSubgraph);
