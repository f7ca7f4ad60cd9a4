// The observability overlay is checked statically (no Docker engine here): it is valid
// Compose, it traces and scrapes every process there is, and its files hang together.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { projectPath } from '../platform/paths.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import { loadManifests } from '../subgraphs/manifests.js';
import { composeSpecErrors } from './compose-spec.js';
import { renderDashboard } from './grafana-dashboard.js';
import { COLLECTOR_ENDPOINT, renderObservabilityCompose, renderPrometheusConfig } from './observability-files.js';

interface Service {
  environment?: Record<string, string>;
  volumes?: string[];
}

const dir = (...segments: string[]): string => projectPath('deploy', 'observability', ...segments);
const read = (...segments: string[]): string => readFileSync(dir(...segments), 'utf8');
const overlay = parse(read('compose.yaml')) as { services: Record<string, Service> };
const base = parse(readFileSync(projectPath('docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const processes = ['gateway', ...readSupergraphConfig().map(({ name }) => name)];
const manifests = await loadManifests();

test('the committed overlay, Prometheus config and dashboard are what `npm run docker-compose` makes', () => {
  expect(read('compose.yaml')).toBe(renderObservabilityCompose(manifests));
  expect(read('prometheus.yml')).toBe(renderPrometheusConfig(manifests));
  expect(read('grafana', 'dashboards', 'supergraph.json')).toBe(renderDashboard());
});

test('the overlay passes the Compose Specification schema', () => {
  expect(composeSpecErrors(dir('compose.yaml'))).toEqual([]);
});

test('every process sends its spans to the collector, and the overlay adds to services that exist', () => {
  for (const name of processes) expect([name, overlay.services[name]?.environment?.['OTEL_EXPORTER_OTLP_ENDPOINT']]).toEqual([name, COLLECTOR_ENDPOINT]);
  const added = ['otel-collector', 'jaeger', 'prometheus', 'grafana'];
  expect(Object.keys(overlay.services).filter((name) => !added.includes(name) && !base.services[name])).toEqual([]);
});

test("the collector receives on the endpoint's port and exports traces to the Jaeger service", () => {
  const config = parse(read('otel-collector.yaml')) as {
    receivers: { otlp: { protocols: { http: { endpoint: string } } } };
    exporters: Record<string, { endpoint: string }>;
    service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
  };
  expect(config.receivers.otlp.protocols.http.endpoint.split(':').pop()).toBe(new URL(COLLECTOR_ENDPOINT).port);
  const [exporter] = config.service.pipelines.traces.exporters;
  expect(config.exporters[exporter!]?.endpoint.split(':')[0]).toBe('jaeger');
  expect(overlay.services['jaeger']).toBeDefined();
});

test('Prometheus scrapes /metrics of the gateway and every subgraph on its port', () => {
  const config = parse(read('prometheus.yml')) as { scrape_configs: Array<{ job_name: string; metrics_path: string; static_configs: Array<{ targets: string[] }> }> };
  const targets = Object.fromEntries(config.scrape_configs.map((job) => [job.job_name, `${job.static_configs[0]!.targets[0]}${job.metrics_path}`]));
  const expected = Object.fromEntries([['gateway', 'gateway:4000/metrics'], ...readSupergraphConfig().map(({ name, routingUrl }) => [name, `${name}:${new URL(routingUrl).port}/metrics`])]);
  expect(targets).toEqual(expected);
});

test('every file the overlay mounts exists, and Grafana reads the dashboard from the provisioned folder with the provisioned data source', () => {
  const mounts = Object.values(overlay.services).flatMap((service) => service.volumes ?? []);
  for (const mount of mounts) expect([mount, existsSync(projectPath(mount.split(':')[0]!))]).toEqual([mount, true]);
  const providers = parse(read('grafana', 'provisioning', 'dashboards', 'dashboards.yaml')) as { providers: Array<{ options: { path: string } }> };
  expect(mounts).toContain(`./deploy/observability/grafana/dashboards:${providers.providers[0]!.options.path}:ro`);
  const sources = parse(read('grafana', 'provisioning', 'datasources', 'datasources.yaml')) as { datasources: Array<{ uid: string; url: string }> };
  const dashboard = JSON.parse(read('grafana', 'dashboards', 'supergraph.json')) as { panels: Array<{ datasource: { uid: string } }> };
  const uids = sources.datasources.map(({ uid }) => uid);
  for (const panel of dashboard.panels) expect(uids).toContain(panel.datasource.uid);
  expect(sources.datasources.find(({ uid }) => uid === 'prometheus')?.url).toBe('http://prometheus:9090');
});
