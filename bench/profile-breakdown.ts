// Summarises a V8 CPU profile (`node --cpu-prof`) by where its self time went: which package,
// which folder of ours, Node's internals, garbage collection. `npx tsx bench/profile-breakdown.ts <skipMs> <file.cpuprofile>…`
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of the stack a frame belongs to, as the benchmark reports it. */
function categoryOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (!url) return functionName.startsWith('(') ? functionName : 'node: native (JSON, Buffer, …)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (packageMatch) {
    const [, name, rest] = packageMatch as unknown as [string, string, string];
    if (name === 'graphql') return `graphql-js ${rest.split('/')[0]}`;
    if (name === 'pg' || name.startsWith('pg-')) return 'pg (driver)';
    return name;
  }
  const ours = /\/dist\/(?:[^/]+\/)??((?:platform|subgraphs|prisma|contracts)\/[^/]+)/.exec(url);
  if (ours) return `ours: ${ours[1]}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5).replace(/^internal\//, '').split('/')[0]}`;
  return url;
}

/**
 * The layer a category belongs to, for the inclusive view; undefined for Node's own code and
 * natives, whose time goes to the nearest caller that has a layer.
 */
function layerOf(category: string): string | undefined {
  if (category.startsWith('(')) return category === '(garbage collector)' ? 'garbage collection' : category === '(program)' ? category : undefined;
  if (category === '@apollo/server' || category === 'negotiator' || category === '@apollo/utils.keyvaluecache' || category === 'lru-cache') return 'Apollo Server pipeline';
  if (category.startsWith('graphql-js') || category === '@apollo/subgraph') return 'graphql-js (parse, validate, execute; @apollo/subgraph _entities)';
  if (category === 'dataloader') return 'DataLoader';
  if (category.startsWith('@prisma/') || category.startsWith('pg') || category.startsWith('wasm:') || category.startsWith('ours: prisma/') || category === 'postgres-array' || category === 'postgres-date') return 'Prisma + pg';
  if (category === 'ours: platform/http') return 'our HTTP route (incl. Node http writes it makes)';
  if (category === 'ours: platform/observability' || category === 'prom-client' || category.startsWith('@opentelemetry/')) return 'our telemetry (metrics, access log, spans)';
  if (category === 'ours: platform/auth' || category === 'jose') return 'our auth (token check)';
  if (category.startsWith('ours: ')) return 'our other code (resolvers, loaders, plugins, scalars)';
  if (category.startsWith('node: ')) return undefined;
  return category.startsWith('node') ? undefined : `other: ${category}`;
}

/** `skipMs`: samples from the first milliseconds of the profile (start-up, warm-up) are left out. */
export function summariseProfile(file: string, { skipMs = 0, top = 25 }: { skipMs?: number; top?: number } = {}): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const inclusiveByLayer = new Map<string, number>();
  const selfByCategory = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let at = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    at += micros;
    if (at < skipMs * 1_000) return;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += micros;
      return;
    }
    total += micros;
    const category = categoryOf(frame);
    let layer: string | undefined;
    for (let frame: number | undefined = id; frame !== undefined && !layer; frame = parentOf.get(frame)) layer = layerOf(categoryOf(byId.get(frame)!.callFrame));
    layer ??= 'Node http/net with no caller of ours (parsing requests, socket events)';
    inclusiveByLayer.set(layer, (inclusiveByLayer.get(layer) ?? 0) + micros);
    selfByCategory.set(category, (selfByCategory.get(category) ?? 0) + micros);
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\/(?:(?:baseline|final)\/)?/, '')}:${frame.lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + micros);
  });
  const lines = [`busy ${(total / 1e3).toFixed(0)} ms, idle ${(idle / 1e3).toFixed(0)} ms; by layer (Node internals and natives counted to their caller):`];
  for (const [layer, micros] of [...inclusiveByLayer].sort((a, b) => b[1] - a[1])) lines.push(`  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${layer}`);
  lines.push('self time by package or folder:');
  for (const [category, micros] of [...selfByCategory].sort((a, b) => b[1] - a[1])) {
    if (micros / total < 0.005) continue;
    lines.push(`  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${category}`);
  }
  lines.push('top functions (self):');
  for (const [name, micros] of [...selfByFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [skip, ...files] = process.argv.slice(2);
  for (const file of files) console.log(`${file}\n${summariseProfile(file, { skipMs: Number(skip) })}\n`);
}
