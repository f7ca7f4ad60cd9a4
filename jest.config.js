// ESM TypeScript under Jest (DESIGN.md). tsconfig's isolatedModules makes ts-jest transpile
// only; `npm run typecheck` checks types. Two tiers: unit tests sit beside the code and need
// no PostgreSQL or Redis; integration tests (test/) run the real subgraphs and gateway
// against both. `npm test` runs both.
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
};

/** @type {import('jest').Config} */
export default {
  // Generous: a supergraph of six subgraphs starts in seconds alone, far slower on a shared machine.
  testTimeout: 60_000,
  // Integration tests start servers; one worker per core keeps them from starving each other.
  maxWorkers: '100%',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{platform,contracts,gateway,subgraphs,embedded,scripts,web}/**/*.test.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};
