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
  const lines = [
    '',
    'Supergraph is up.',
    `  ${'gateway'.padEnd(width)}${supergraph.gatewayUrl}${config.production ? '' : '  (open it in a browser for Apollo Sandbox)'}`,
    ...Object.entries(supergraph.subgraphs).map(([name, { url }]) => `  ${`${name} subgraph`.padEnd(width)}${url}`),
    `  ${'short links'.padEnd(width)}${new URL('/s/federation', supergraph.gatewayUrl).toString()}  (a demo link)`,
    `  ${'data'.padEnd(width)}${config.dataDir}  (delete it to start over)`,
    `  demo accounts: ${DEMO_USERS.map(({ username }) => username).join(', ')} (password "${DEMO_PASSWORD}")`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const stop = async (): Promise<void> => {
    await supergraph.stop();
    await tracing.shutdown();
  };
  stopOnSignals(stop, createLogger('embedded', config.logLevel, config.production), config.shutdownDelayMs + 10_000);
});
