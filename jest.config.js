// ESM TypeScript under Jest (DESIGN.md). tsconfig's isolatedModules makes ts-jest transpile
// only; `npm run typecheck` checks types.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  testTimeout: 30_000,
  // Integration tests start servers; one worker per core keeps them from starving each other.
  maxWorkers: '100%',
};
