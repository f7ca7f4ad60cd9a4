// No cluster is reachable here: deploy/kubernetes/ is validated against the Kubernetes API's
// schemas (kubernetes-models) and checked against supergraph.yaml, as the compose file is.
import { readdirSync, readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IService } from 'kubernetes-models/v1/Service';
import { parseAllDocuments, parse } from 'yaml';
import { projectPath } from '../platform/paths.js';
import { databaseUrlVariable } from '../platform/subgraph/subgraph-settings.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import { loadManifests } from '../subgraphs/manifests.js';
import { renderKubernetesFiles, SECRETS } from './kubernetes-manifests.js';

const dir = projectPath('deploy', 'kubernetes');
const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
const read = (file: string): string => readFileSync(`${dir}/${file}`, 'utf8');
const objects = files.filter((file) => file !== 'kustomization.yaml').flatMap((file) => parseAllDocuments(read(file)).map((document) => document.toJSON() as { kind: string; metadata: { name: string } }));
const find = <T>(kind: string, name: string): T => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found as T;
};
const subgraphs = readSupergraphConfig();
const manifests = await loadManifests();
const MODELS: Record<string, new (data: never) => { validate(): void }> = { Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget, Ingress, NetworkPolicy, ConfigMap, Namespace };

test('the committed manifests are what `npm run docker-compose` makes', () => {
  const rendered = renderKubernetesFiles(manifests);
  expect(files.sort()).toEqual(Object.keys(rendered).sort());
  for (const file of files) expect([file, read(file)]).toEqual([file, rendered[file]]);
});

test('every object passes the Kubernetes API schema of its kind', () => {
  expect(objects.length).toBeGreaterThan(10);
  for (const object of objects) {
    const Model = MODELS[object.kind];
    expect([object.kind, Boolean(Model)]).toEqual([object.kind, true]);
    expect(() => new Model!(object as never).validate()).not.toThrow();
  }
});

test('kustomization.yaml lists every file and sets the namespace', () => {
  const kustomization = parse(read('kustomization.yaml')) as { resources: string[]; namespace: string };
  expect(kustomization.resources.sort()).toEqual(files.filter((file) => file !== 'kustomization.yaml').sort());
  expect(find<{ metadata: { name: string } }>('Namespace', kustomization.namespace).metadata.name).toBe(kustomization.namespace);
});

describe.each([...subgraphs.map(({ name, routingUrl }) => ({ name, port: Number(new URL(routingUrl).port) })), { name: 'gateway', port: 4000 }])('$name', ({ name, port }) => {
  const deployment = find<IDeployment>('Deployment', name);
  const pod = deployment.spec!.template;
  const container = pod.spec!.containers[0]!;

  test('its Service, autoscaler and disruption budget select its pods, on the port it listens on', () => {
    const podLabels = pod.metadata!.labels!;
    const service = find<IService>('Service', name);
    expect(service.spec!.selector).toEqual(podLabels);
    expect(deployment.spec!.selector.matchLabels).toEqual(podLabels);
    expect(find<IPodDisruptionBudget>('PodDisruptionBudget', name).spec!.selector!.matchLabels).toEqual(podLabels);
    expect(find<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler', name).spec!.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
    expect(service.spec!.ports![0]!.port).toBe(port);
    expect(container.ports![0]!.containerPort).toBe(port);
    expect(container.env!.find((variable) => variable.name === 'PORT')?.value).toBe(String(port));
  });

  test('is alive by /health and in the Service only while /ready, has resource requests, and drains before it stops', () => {
    expect(container.livenessProbe!.httpGet).toEqual({ path: '/health', port });
    expect(container.readinessProbe!.httpGet).toEqual({ path: '/ready', port });
    expect(container.resources!.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    const delayMs = Number(container.env!.find((variable) => variable.name === 'SHUTDOWN_DELAY_MS')?.value);
    expect(delayMs).toBeGreaterThan(container.readinessProbe!.periodSeconds! * container.readinessProbe!.failureThreshold! * 1000 - 1);
    expect(pod.spec!.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(delayMs);
  });

  test('reads its secrets (Redis, the internal secret, and a subgraph its own database) from Secrets, never from plain values', () => {
    const secret = (variable: string) => container.env!.find((entry) => entry.name === variable)?.valueFrom?.secretKeyRef;
    expect(secret('REDIS_URL')).toEqual({ name: SECRETS.redis, key: 'REDIS_URL' });
    expect(secret('INTERNAL_SECRET')).toEqual({ name: SECRETS.internal, key: 'INTERNAL_SECRET' });
    if (name !== 'gateway') expect(secret(databaseUrlVariable(name))).toEqual({ name: SECRETS.databaseUrls, key: databaseUrlVariable(name) });
    else expect(secret('VISITOR_HASH_KEY')).toEqual({ name: SECRETS.gateway, key: 'VISITOR_HASH_KEY' });
    expect(container.env!.filter((entry) => /URL|KEY|PASSWORD|SECRET/.test(entry.name) && entry.value !== undefined && !entry.name.endsWith('_FILE'))).toEqual([]);
  });
});

test('the gateway finds every subgraph at its Service, on the port and path supergraph.yaml routes to', () => {
  const config = find<IConfigMap>('ConfigMap', 'supergraph-config').data!;
  for (const { name, routingUrl } of subgraphs) {
    const url = new URL(config[`${name.toUpperCase()}_SUBGRAPH_URL`] ?? 'missing:');
    expect([url.hostname, url.port, url.pathname]).toEqual([name, new URL(routingUrl).port, new URL(routingUrl).pathname]);
  }
  expect(config['NODE_ENV']).toBe('production');
  expect(config['SANDBOX']).toBe('false');
});

test('the token issuer mounts the signing key from its Secret; the others verify with its JWKS', () => {
  const issuer = manifests.find((manifest) => manifest.issuesTokens)!;
  const pod = find<IDeployment>('Deployment', issuer.name).spec!.template.spec!;
  expect(pod.volumes).toEqual([expect.objectContaining({ secret: expect.objectContaining({ secretName: SECRETS.signingKey }) })]);
  const file = pod.containers[0]!.env!.find((entry) => entry.name === 'JWT_PRIVATE_KEY_FILE')!.value!;
  expect(file.startsWith(`${pod.containers[0]!.volumeMounts![0]!.mountPath}/`)).toBe(true);
  expect(new URL(find<IConfigMap>('ConfigMap', 'supergraph-config').data!['JWKS_URL']!).host).toBe(`${issuer.name}:${issuer.port}`);
});

test('the Ingress sends the public paths to the gateway, keeps probes and metrics inside, and keeps WebSockets open past the proxy default', () => {
  const ingress = find<IIngress>('Ingress', 'gateway');
  const paths = ingress.spec!.rules![0]!.http!.paths;
  for (const path of paths) expect(path.backend.service).toEqual({ name: 'gateway', port: { number: 4000 } });
  const routed = (url: string) => paths.some(({ path, pathType }) => (pathType === 'Exact' ? url === path : url === path || url.startsWith(`${path!.replace(/\/$/, '')}/`)));
  expect(['/graphql', '/s/abc1234', '/', '/assets/app-1.js'].filter((url) => !routed(url))).toEqual([]);
  expect(['/metrics', '/ready', '/health'].filter(routed)).toEqual([]);
  expect(Number(ingress.metadata!.annotations!['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
});

test.each(subgraphs.map(({ name, routingUrl }) => ({ name, port: Number(new URL(routingUrl).port) })))('the $name subgraph port answers only the pods of the supergraph', ({ name, port }) => {
  const policy = objects.find((object) => object.kind === 'NetworkPolicy' && object.metadata.name === name) as unknown as {
    spec: { podSelector: { matchLabels: Record<string, string> }; ingress: Array<{ from: Array<{ podSelector: { matchLabels: Record<string, string> } }>; ports: Array<{ port: number }> }> };
  };
  expect(policy.spec.podSelector.matchLabels).toEqual(find<IDeployment>('Deployment', name).spec!.template.metadata!.labels);
  expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'supergraph' } } }], ports: [{ protocol: 'TCP', port }] }]);
  expect(find<IDeployment>('Deployment', 'gateway').spec!.template.metadata!.labels!['app.kubernetes.io/part-of']).toBe('supergraph');
});
