// Monaco asks for a worker per language; graphiql's own setup modules either fetch them from
// esm.sh or rely on a bundler's `new URL(…, import.meta.url)`. esbuild bundles them as
// separate scripts (scripts/web-bundle.ts), served beside this one.
const WORKERS = '/graphiql/assets/workers';

interface MonacoEnvironment {
  getWorker(workerId: string, label: string): Worker;
}

(globalThis as { MonacoEnvironment?: MonacoEnvironment }).MonacoEnvironment = {
  getWorker(_workerId, label) {
    if (label === 'json') return new Worker(`${WORKERS}/json.worker.js`);
    if (label === 'graphql') return new Worker(`${WORKERS}/graphql.worker.js`);
    return new Worker(`${WORKERS}/editor.worker.js`);
  },
};
