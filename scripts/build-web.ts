// `npm run build:web`: bundles web/ into web/dist/, which the gateway serves at / and /graphiql.
import { buildWeb } from './web-bundle.js';

try {
  const written = await buildWeb();
  console.log(`build:web: ${written.length} pages in web/dist`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
