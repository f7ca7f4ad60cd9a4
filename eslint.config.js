import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The import direction of DESIGN.md ("Layout"): a zone may not import from the folders
 * listed with it. A subgraph imports its own files, platform/ and contracts/ (and its own
 * Prisma client, below); platform/ and contracts/ import no domain; the gateway, embedded/
 * and web/ never reach into a domain (the gateway may use contracts/, what domains promise;
 * embedded/ starts subgraphs through subgraphs/manifests.ts).
 */
const SUBGRAPHS = ['users', 'posts', 'likes', 'polls', 'links', 'courses'];
const zones = [
  { target: './platform', from: ['./subgraphs', './gateway', './embedded', './contracts', './test', './bench', './scripts', './prisma', './web'], message: 'platform/ is the shared runtime: it imports no domain, gateway or tooling.' },
  { target: './contracts', from: ['./subgraphs', './gateway', './embedded', './test', './bench', './scripts', './prisma', './web'], message: 'contracts/ imports only platform/.' },
  { target: './gateway', from: ['./subgraphs', './embedded', './test', './bench', './scripts', './prisma', './web'], message: 'The gateway knows subgraphs through the supergraph and contracts/ only.' },
  { target: './embedded', from: SUBGRAPHS.map((name) => `./subgraphs/${name}`).concat(['./test', './bench', './prisma']), message: 'embedded/ starts subgraphs through their manifests (subgraphs/manifests.ts).' },
  { target: './web', from: ['./subgraphs', './gateway', './platform', './embedded', './contracts', './prisma'], message: 'web/ is a client of the public API only.' },
  // A subgraph never imports another subgraph's code or Prisma client.
  ...SUBGRAPHS.map((name) => ({
    target: `./subgraphs/${name}`,
    from: [...SUBGRAPHS.filter((other) => other !== name).flatMap((other) => [`./subgraphs/${other}`, `./prisma/${other}`]), './gateway', './embedded', './test', './bench', './scripts', './web'],
    message: `The ${name} subgraph imports its own files, platform/, contracts/ and prisma/${name} only.`,
  })),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'prisma/*/generated/', 'subgraphs/*/__generated__/', 'web/dist/'] },
  ...tseslint.configs.recommended,
  // Registers the TypeScript parser for imported files too: without it no-cycle sees no edges.
  importX.flatConfigs.typescript,
  {
    files: ['**/*.ts', '**/*.tsx'],
    // web/ has its own tsconfig (DOM, JSX, bundler resolution): esbuild bundles it, Node never loads it.
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['./tsconfig.json', './web/tsconfig.json'], noWarnOnMultipleProjects: true })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-default-export': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Unit tests need no PostgreSQL or Redis: of the integration support code they may use
    // only the service-free helpers.
    files: ['{platform,contracts,gateway,subgraphs,embedded,scripts,web}/**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...zones.map((zone) => ({ ...zone, from: zone.from.filter((from) => from !== './test') })),
            { target: './', from: './test', except: ['./support/eventually.ts'], message: 'A unit test uses no test/ support that reaches PostgreSQL or Redis.' },
          ],
        },
      ],
    },
  },
  {
    // Tool configuration files must default-export.
    files: ['*.ts', '*.js', 'prisma/prisma.config.ts'],
    rules: { 'import-x/no-default-export': 'off' },
  },
);
