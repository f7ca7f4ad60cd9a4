// `npm start`: the whole supergraph in one process on embedded databases under .data/.
import { DEMO_PASSWORD, DEMO_USERS } from '../contracts/demo.js';
import { createLogger } from '../platform/observability/logger.js';
import { startTracing } from '../platform/observability/tracing.js';
import { runMain, stopOnSignals } from '../platform/process/run-process.js';
import { loadEmbeddedConfig } from './config.js';
import { startEmbedded } from './start.js';

runMain(async () => {
  const config = loadEmbeddedConfig(process.env);
  const tracing = startTracing({ serviceName: 'supergraph', endpoint: config.otlpEndpoint });
  const supergraph = await startEmbedded(config);
  const width = Math.max(...Object.keys(supergraph.subgraphs).map((name) => name.length)) + 10;
  const { sandbox, graphiql } = supergraph.gateway.explorers;
  const origin = new URL(supergraph.gatewayUrl).origin;
  const lines = [
    '',
    'Supergraph is up.',
    `  ${'live stats'.padEnd(width)}${origin}/  (the web page: counters and charts that move)`,
    `  ${'gateway'.padEnd(width)}${supergraph.gatewayUrl}${sandbox ? '  (open it in a browser for Apollo Sandbox)' : ''}`,
    // Sandbox loads from Apollo's CDN; GraphiQL is bundled here and works offline.
    ...(graphiql ? [`  ${'GraphiQL'.padEnd(width)}${origin}/graphiql  (the explorer that works offline)`] : []),
    ...Object.entries(supergraph.subgraphs).map(([name, { url }]) => `  ${`${name} subgraph`.padEnd(width)}${url}`),
    `  ${'short links'.padEnd(width)}${new URL('/s/federation', supergraph.gatewayUrl).toString()}  (a demo link)`,
    `  ${'data'.padEnd(width)}${config.dataDir}  (delete it to start over)`,
    `  demo accounts: ${DEMO_USERS.map(({ username }) => username).join(', ')} (password "${DEMO_PASSWORD}")`,
    'Press Ctrl-C to stop.',
    '',
  ];
  const stop = async (): Promise<void> => {
    await supergraph.stop();
    await tracing.shutdown();
  };
  // Before the banner: whoever reads "Press Ctrl-C" may press it at once.
  stopOnSignals(stop, createLogger('embedded', config.logLevel, config.production), config.shutdownDelayMs + 10_000);
  process.stdout.write(lines.join('\n'));
});
