// The offline explorer at /graphiql: GraphiQL from npm, bundled with its CSS and workers.
import './workers.js';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createClient } from 'graphql-ws';
import { createRoot } from 'react-dom/client';

const http = `${location.origin}/graphql`;
const ws = http.replace(/^http/, 'ws');

const DEFAULT_QUERY = `# The whole supergraph, one endpoint. Press the run button (or Ctrl-Enter).
query PopularPosts {
  popularPosts(first: 5) {
    body
    likeCount
    author { username }
  }
}
`;

// Our own graphql-ws client: the toolkit would otherwise import graphql-ws lazily and
// pick up whichever version it finds.
const fetcher = createGraphiQLFetcher({ url: http, wsClient: createClient({ url: ws, lazy: true }) });

createRoot(document.getElementById('root')!).render(<GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />);
