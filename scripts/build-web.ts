// `npm run build:web`: bundles web/ into web/dist/, which the gateway serves at / and /graphiql.
import { inputStamp } from './input-stamp.js';
import { buildWeb } from './web-bundle.js';

// Skipped when nothing it bundles or reads changed: `npm start` need not rebundle Monaco.
const stamp = inputStamp('build-web', ['web/src', 'web/graphiql', 'web/tsconfig.json', 'supergraph.graphql', 'contracts/demo.ts', 'scripts/web-bundle.ts', 'package-lock.json'], ['web/dist/index.html', 'web/dist/graphiql/index.html']);
try {
  if (stamp.fresh) console.log('build:web: up to date');
  else {
    const written = await buildWeb();
    stamp.record();
    console.log(`build:web: ${written.length} pages in web/dist`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
