// No Docker engine runs here, so docker-compose.yml is checked statically against
// supergraph.yaml, the manifests, the Dockerfile and the code it starts.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEV_INTERNAL_SECRET } from '../platform/config/env.js';
import { projectPath } from '../platform/paths.js';
import { databaseUrlVariable } from '../platform/subgraph/subgraph-settings.js';
import { readSupergraphConfig } from '../platform/supergraph-config.js';
import { loadManifests } from '../subgraphs/manifests.js';
import { renderComposeFile, renderInitSql } from './compose-file.js';
import { composeSpecErrors } from './compose-spec.js';

interface Service {
  build?: unknown;
  healthcheck?: { test?: string[] };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

const compose = parse(readFileSync(projectPath('docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const subgraphs = readSupergraphConfig();
const gatewayEnv = services['gateway']?.environment ?? {};
const initSql = readFileSync(projectPath('deploy', 'postgres', 'init-databases.sql'), 'utf8');

const manifests = await loadManifests();

test('the committed docker-compose.yml and init script are what `npm run docker-compose` makes', () => {
  expect(readFileSync(projectPath('docker-compose.yml'), 'utf8')).toBe(renderComposeFile(manifests));
  expect(initSql).toBe(renderInitSql(manifests));
});

/** The source file a `node dist/….js` command runs. */
const sourceOf = (command: string[] | undefined): string => projectPath((command?.[1] ?? '').replace(/^dist\//, '').replace(/\.js$/, '.ts'));

test('runs postgres, redis, the gateway and every subgraph in supergraph.yaml', () => {
  expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'gateway', ...subgraphs.map(({ name }) => name)]));
});

test('every app service is built from the Dockerfile in the repo and runs code that exists', () => {
  expect(existsSync(projectPath('Dockerfile'))).toBe(true);
  for (const name of ['gateway', 'keygen', ...subgraphs.map((entry) => entry.name)]) {
    const service = services[name];
    expect([name, service?.build]).toEqual([name, '.']);
    expect([name, existsSync(sourceOf(service?.command))]).toEqual([name, true]);
  }
});

describe.each(subgraphs)('the $name subgraph', ({ name, routingUrl }) => {
  const service = services[name] ?? {};
  const env = service.environment ?? {};
  const routing = new URL(routingUrl);

  test("listens on the port supergraph.yaml routes to, which is its manifest's default port", () => {
    expect(env['PORT']).toBe(routing.port);
    expect(Number(routing.port)).toBe(manifests.find((manifest) => manifest.name === name)?.port);
  });

  test('runs as `start:subgraph <name>`', () => {
    expect(service.command).toEqual(['node', 'dist/subgraphs/main.js', name]);
  });

  test('has its own database on the postgres service, created at init', () => {
    const url = new URL(env[databaseUrlVariable(name)] ?? 'missing:');
    expect([url.hostname, url.port, url.pathname]).toEqual(['postgres', '5432', `/${name}`]);
    expect(initSql).toMatch(new RegExp(`CREATE DATABASE ${name};`));
    expect(service.depends_on?.['postgres']?.condition).toBe('service_healthy');
  });

  test('shares the redis service', () => {
    expect(env['REDIS_URL']).toBe('redis://redis:6379');
  });

  test('is where the gateway routes it, on the same port and path', () => {
    const target = new URL(gatewayEnv[`${name.toUpperCase()}_SUBGRAPH_URL`] ?? 'missing:');
    expect([target.hostname, target.port, target.pathname]).toEqual([name, routing.port, routing.pathname]);
    expect(services['gateway']?.depends_on?.[name]).toBeDefined();
  });

  test('verifies tokens: users signs with the generated key, the others fetch its JWKS', () => {
    if (name === 'users') {
      expect(env['JWT_PRIVATE_KEY_FILE']).toBe('/keys/jwt-signing-key.pem');
      expect(services['keygen']?.command).toContain('/keys/jwt-signing-key.pem');
    } else {
      expect(env['JWKS_URL']).toBe(`http://users:${new URL(subgraphs.find((entry) => entry.name === 'users')!.routingUrl).port}/.well-known/jwks.json`);
    }
  });
});

test('the gateway publishes port 4000 on loopback only, verifies tokens with the users JWKS, and runs in production', () => {
  expect(services['gateway']?.ports).toEqual(['127.0.0.1:4000:4000']);
  expect(gatewayEnv['PORT']).toBe('4000');
  expect(gatewayEnv['JWKS_URL']).toBe('http://users:4001/.well-known/jwks.json');
  expect(gatewayEnv['NODE_ENV']).toBe('production');
});

test('a subgraph that calls another finds it where supergraph.yaml routes it', () => {
  for (const { name } of subgraphs) {
    for (const [variable, value] of Object.entries(services[name]?.environment ?? {})) {
      if (!variable.endsWith('_SUBGRAPH_URL')) continue;
      const target = subgraphs.find((entry) => `${entry.name.toUpperCase()}_SUBGRAPH_URL` === variable);
      expect([name, variable, Boolean(target)]).toEqual([name, variable, true]);
      const url = new URL(value);
      expect([url.hostname, url.port, url.pathname]).toEqual([target!.name, new URL(target!.routingUrl).port, new URL(target!.routingUrl).pathname]);
      expect(services[name]?.depends_on?.[target!.name]).toBeDefined();
    }
  }
});

test('the gateway routes only to subgraphs that exist', () => {
  const routed = Object.keys(gatewayEnv).filter((key) => key.endsWith('_SUBGRAPH_URL')).map((key) => key.replace('_SUBGRAPH_URL', '').toLowerCase());
  expect(routed.sort()).toEqual(subgraphs.map(({ name }) => name).sort());
});

test('docker-compose.yml passes the Compose Specification schema', () => {
  expect(composeSpecErrors(projectPath('docker-compose.yml'))).toEqual([]);
});

test('the gateway and every subgraph are healthy only when /ready says so, on their own port', () => {
  for (const name of ['gateway', ...subgraphs.map((entry) => entry.name)]) {
    const port = name === 'gateway' ? '4000' : new URL(subgraphs.find((entry) => entry.name === name)!.routingUrl).port;
    expect([name, services[name]?.healthcheck?.test?.join(' ')]).toEqual([name, expect.stringContaining(`http://localhost:${port}/ready`)]);
  }
});

test('the gateway and every subgraph share one internal secret (production requires it): the development default, named as such', () => {
  const secrets = ['gateway', ...subgraphs.map((entry) => entry.name)].map((name) => [name, services[name]?.environment?.['INTERNAL_SECRET']]);
  expect(secrets).toEqual(secrets.map(([name]) => [name, DEV_INTERNAL_SECRET]));
});
