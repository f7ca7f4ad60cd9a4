import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';
import { Kind, parse } from 'graphql';
import { DEMO_PASSWORD, DEMO_USERS } from '../contracts/demo.js';
import { projectPath } from '../platform/paths.js';

/**
 * The root fields (`Query.topLinks`, `Subscription.linkStatsChanged`, …) a supergraph
 * offers. The page leaves out a domain's section when its fields are missing: read from the
 * composed schema at build time, so it needs no introspection (off in production).
 */
function rootFields(supergraphSdl: string): string[] {
  const fields = new Set<string>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const type = definition.name.value;
    if (type !== 'Query' && type !== 'Mutation' && type !== 'Subscription') continue;
    for (const field of definition.fields ?? []) fields.add(`${type}.${field.name.value}`);
  }
  return [...fields].sort();
}

const shared: BuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  target: 'es2022',
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  jsx: 'automatic',
  // Monaco's icon font: inlined, so the CSS needs no extra route or content type.
  loader: { '.ttf': 'dataurl' },
};

/** The script and stylesheet esbuild made from `entry`, as URL paths under `urlPrefix`. */
function entryOutputs(metafile: Metafile, outdir: string, entry: string, urlPrefix: string): { script: string; css: string | undefined } {
  const url = (output: string): string => `${urlPrefix}${relative(outdir, resolve(output)).split(sep).join('/')}`;
  for (const [output, meta] of Object.entries(metafile.outputs)) {
    if (meta.entryPoint && resolve(meta.entryPoint) === entry) return { script: url(output), css: meta.cssBundle ? url(meta.cssBundle) : undefined };
  }
  throw new Error(`esbuild made no bundle for ${entry}`);
}

const html = (title: string, script: string, css: string | undefined, head = ''): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
${css ? `<link rel="stylesheet" href="${css}">\n` : ''}${head}<script type="module" src="${script}"></script>
</head>
<body><div id="root"></div></body>
</html>
`;

/**
 * Bundles web/ into web/dist/: the live-stats page (`/`) and GraphiQL with its editor workers
 * (`/graphiql`), everything local so both work offline. Returns the files written.
 */
export async function buildWeb({ supergraphPath = projectPath('supergraph.graphql'), outdir = projectPath('web', 'dist') } = {}): Promise<string[]> {
  let supergraphSdl: string;
  try {
    supergraphSdl = readFileSync(supergraphPath, 'utf8');
  } catch {
    throw new Error(`No supergraph at ${supergraphPath}: run \`npm run compose\` first`);
  }
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });

  const pageAssets = join(outdir, 'assets');
  const pageEntry = projectPath('web', 'src', 'main.tsx');
  const page = await build({
    ...shared,
    entryPoints: [pageEntry],
    outdir: pageAssets,
    format: 'esm',
    entryNames: '[name]-[hash]',
    define: {
      ...shared.define,
      SUPERGRAPH_FIELDS: JSON.stringify(rootFields(supergraphSdl)),
      // The seeded demo accounts (contracts/demo.ts), offered by the sign-in form.
      DEMO_ACCOUNTS: JSON.stringify({ usernames: DEMO_USERS.map(({ username }) => username), password: DEMO_PASSWORD }),
    },
  });
  const pageFiles = entryOutputs(page.metafile!, pageAssets, pageEntry, '/assets/');
  writeFileSync(join(outdir, 'index.html'), html('Live stats · Supergraph', pageFiles.script, pageFiles.css));

  // Monaco runs its language services in workers: each is its own classic-script bundle,
  // named without a hash because web/graphiql/workers.ts refers to them by path.
  const graphiqlDir = join(outdir, 'graphiql');
  const graphiqlAssets = join(graphiqlDir, 'assets');
  await build({
    ...shared,
    entryPoints: {
      'editor.worker': projectPath('node_modules', 'monaco-editor', 'esm', 'vs', 'editor', 'editor.worker.js'),
      'json.worker': projectPath('node_modules', 'monaco-editor', 'esm', 'vs', 'language', 'json', 'json.worker.js'),
      'graphql.worker': projectPath('node_modules', 'monaco-graphql', 'esm', 'graphql.worker.js'),
    },
    outdir: join(graphiqlAssets, 'workers'),
    format: 'iife',
  });
  const graphiqlEntry = projectPath('web', 'graphiql', 'main.tsx');
  const explorer = await build({ ...shared, entryPoints: [graphiqlEntry], outdir: graphiqlAssets, format: 'esm', entryNames: '[name]-[hash]' });
  const explorerFiles = entryOutputs(explorer.metafile!, graphiqlAssets, graphiqlEntry, '/graphiql/assets/');
  writeFileSync(join(graphiqlDir, 'index.html'), html('GraphiQL · Supergraph', explorerFiles.script, explorerFiles.css, '<style>html,body,#root{height:100%;margin:0}</style>\n'));
  return [join(outdir, 'index.html'), join(graphiqlDir, 'index.html')];
}
