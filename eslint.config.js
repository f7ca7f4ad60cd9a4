import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const DOMAINS = ['users', 'posts', 'likes', 'polls', 'links', 'courses'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'prisma/*/generated/', 'subgraphs/*/__generated__/'] },
  ...tseslint.configs.recommended,
  // Registers the TypeScript parser for imported files too: without it no-cycle sees no edges.
  importX.flatConfigs.typescript,
  {
    files: ['**/*.ts'],
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-default-export': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // A subgraph never imports another subgraph's code or Prisma client (DESIGN.md).
  ...DOMAINS.map((domain) => ({
    files: [`subgraphs/${domain}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./(?!shared/)[a-z]+/', message: 'A subgraph imports only its own modules and subgraphs/shared.' },
            { regex: `^\\.\\./\\.\\./prisma/(?!${domain}/)`, message: `The ${domain} subgraph uses only its own Prisma client.` },
          ],
        },
      ],
    },
  })),
  {
    // Tool configuration files must default-export.
    files: ['*.ts', 'prisma/prisma.config.ts'],
    rules: { 'import-x/no-default-export': 'off' },
  },
);
