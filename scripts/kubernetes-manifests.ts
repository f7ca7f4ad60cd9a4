// Typed with kubernetes-models' interfaces: a misspelt field fails `tsc`, not a rollout (the
// API's schemas accept unknown fields; the test validates the rest against them).
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { stringify } from 'yaml';
import { DEFAULT_GATEWAY_PORT, subgraphUrlVariable } from '../gateway/config.js';
import type { SubgraphManifest } from '../platform/subgraph/manifest.js';
import { databaseUrlVariable } from '../platform/subgraph/subgraph-settings.js';
import { subgraphUrl } from './compose-file.js';

/** The objects deploy/kubernetes/ holds. */
type KubernetesObject = IDeployment | IService | IHorizontalPodAutoscaler | IPodDisruptionBudget | IIngress | INetworkPolicy | IConfigMap | INamespace;

const NAMESPACE = 'supergraph';
/** Secrets the operator creates (README, "Deploying to Kubernetes"); the manifests only name them. */
export const SECRETS = { databaseUrls: 'supergraph-database-urls', redis: 'supergraph-redis', signingKey: 'supergraph-signing-key', gateway: 'supergraph-gateway', internal: 'supergraph-internal' } as const;
/** Where short links point: the public address of the Ingress. Set it to yours. */
const PUBLIC_BASE_URL = 'https://supergraph.example.com';
const CONFIG_MAP = 'supergraph-config';
const KEY_DIR = '/keys';
const KEY_FILE = 'jwt-signing-key.pem';
/** The image kustomize rewrites (`kustomize edit set image supergraph=<registry>/supergraph:<tag>`). */
const IMAGE = 'supergraph';
/** Readiness fails this long before the server stops taking connections: endpoints update first. */
const SHUTDOWN_DELAY_MS = 5_000;

const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'supergraph' });

interface Workload {
  name: string;
  port: number;
  command: string[];
  env: IEnvVar[];
  volumes?: IVolume[];
  volumeMounts?: IVolumeMount[];
}

const probe = (path: string, port: number, periodSeconds: number, failureThreshold: number): IProbe => ({ httpGet: { path, port }, periodSeconds, failureThreshold, timeoutSeconds: 2 });

/** Deployment, Service, autoscaler and disruption budget of one process. */
function workloadObjects({ name, port, command, env, volumes, volumeMounts }: Workload): KubernetesObject[] {
  const metadata = { name, labels: labels(name) };
  const container: IContainer = {
    name,
    image: IMAGE,
    command,
    ports: [{ name: 'http', containerPort: port }],
    envFrom: [{ configMapRef: { name: CONFIG_MAP } }],
    env: [{ name: 'PORT', value: String(port) }, { name: 'SHUTDOWN_DELAY_MS', value: String(SHUTDOWN_DELAY_MS) }, ...env],
    // Started once migrations ran; alive while the event loop answers; in the Service only while /ready.
    startupProbe: probe('/health', port, 2, 60),
    livenessProbe: probe('/health', port, 10, 3),
    readinessProbe: probe('/ready', port, 2, 2),
    resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '512Mi' } },
    securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    ...(volumeMounts && { volumeMounts }),
  };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 2,
        selector: { matchLabels: labels(name) },
        template: {
          metadata: { labels: labels(name) },
          spec: { terminationGracePeriodSeconds: 30 + SHUTDOWN_DELAY_MS / 1000, containers: [container], ...(volumes && { volumes }) },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: labels(name), ports: [{ name: 'http', port, targetPort: 'http' }] } },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { minAvailable: 1, selector: { matchLabels: labels(name) } } },
  ];
}

const secretEnv = (variable: string, secret: string): IEnvVar => ({ name: variable, valueFrom: { secretKeyRef: { name: secret, key: variable } } });

/**
 * Subgraph ports answer only the supergraph's own pods (the gateway, and subgraphs that call
 * each other): a second fence, beside the internal secret that links' internal routes
 * require and that a subgraph believes X-Forwarded-For only with.
 */
const internalOnly = (name: string, port: number): INetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, labels: labels(name) },
  spec: {
    podSelector: { matchLabels: labels(name) },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'supergraph' } } }], ports: [{ protocol: 'TCP', port }] }],
  },
});

function subgraphObjects(manifest: SubgraphManifest): KubernetesObject[] {
  const signs = manifest.issuesTokens === true;
  const workload = workloadObjects({
    name: manifest.name,
    port: manifest.port,
    command: ['node', 'dist/subgraphs/main.js', manifest.name],
    env: [
      secretEnv(databaseUrlVariable(manifest.name), SECRETS.databaseUrls),
      secretEnv('REDIS_URL', SECRETS.redis),
      secretEnv('INTERNAL_SECRET', SECRETS.internal),
      ...(signs ? [{ name: 'JWT_PRIVATE_KEY_FILE', value: `${KEY_DIR}/${KEY_FILE}` }] : []),
    ],
    ...(signs && {
      volumes: [{ name: 'signing-key', secret: { secretName: SECRETS.signingKey, defaultMode: 0o400 } }],
      volumeMounts: [{ name: 'signing-key', mountPath: KEY_DIR, readOnly: true }],
    }),
  });
  return [...workload, internalOnly(manifest.name, manifest.port)];
}

function configObjects(manifests: SubgraphManifest[]): KubernetesObject[] {
  const issuer = manifests.find((manifest) => manifest.issuesTokens)!;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: labels('supergraph') } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: CONFIG_MAP, labels: labels('supergraph') },
      data: {
        NODE_ENV: 'production',
        JWKS_URL: `http://${issuer.name}:${issuer.port}/.well-known/jwks.json`,
        SANDBOX: 'false',
        INTROSPECTION: 'false',
        SHORT_LINK_BASE_URL: PUBLIC_BASE_URL,
        ...Object.fromEntries(manifests.map((manifest) => [subgraphUrlVariable(manifest.name), subgraphUrl(manifest)])),
      },
    },
  ];
}

/** What the Ingress publishes: the API, short links, the page and its assets, the explorer. Probes and /metrics stay inside the cluster. */
const PUBLIC_PATHS: Array<[path: string, pathType: 'Exact' | 'Prefix']> = [
  ['/graphql', 'Exact'],
  ['/s', 'Prefix'],
  ['/', 'Exact'],
  ['/assets', 'Prefix'],
  ['/graphiql', 'Prefix'],
];

function gatewayObjects(): KubernetesObject[] {
  const ingress: KubernetesObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'gateway',
      labels: labels('gateway'),
      // ingress-nginx passes the WebSocket upgrade; these keep an idle subscription socket open
      // for an hour instead of its 60 s default (graphql-ws pings well within that).
      annotations: {
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-http-version': '1.1',
      },
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ http: { paths: PUBLIC_PATHS.map(([path, pathType]) => ({ path, pathType, backend: { service: { name: 'gateway', port: { number: DEFAULT_GATEWAY_PORT } } } })) } }],
    },
  };
  return [
    ...workloadObjects({
      name: 'gateway',
      port: DEFAULT_GATEWAY_PORT,
      command: ['node', 'dist/gateway/main.js'],
      env: [
        secretEnv('REDIS_URL', SECRETS.redis),
        secretEnv('VISITOR_HASH_KEY', SECRETS.gateway),
        secretEnv('INTERNAL_SECRET', SECRETS.internal),
        // Behind the Ingress: the client's address is the one it appends to X-Forwarded-For.
        { name: 'TRUSTED_PROXY_HOPS', value: '1' },
      ],
    }),
    ingress,
  ];
}

/** The files of deploy/kubernetes/, by name: one per process, the shared config, and kustomization.yaml. */
export function renderKubernetesFiles(manifests: SubgraphManifest[]): Record<string, string> {
  const header = '# Generated from supergraph.yaml and the manifests by `npm run docker-compose` (scripts/kubernetes-manifests.ts).\n';
  const documents = (objects: KubernetesObject[]): string => header + objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
  const files: Record<string, string> = {
    'config.yaml': documents(configObjects(manifests)),
    'gateway.yaml': documents(gatewayObjects()),
    ...Object.fromEntries(manifests.map((manifest) => [`${manifest.name}.yaml`, documents(subgraphObjects(manifest))])),
  };
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: NAMESPACE,
    resources: Object.keys(files),
    images: [{ name: IMAGE, newName: 'supergraph', newTag: 'latest' }],
  };
  return { ...files, 'kustomization.yaml': header + stringify(kustomization) };
}
