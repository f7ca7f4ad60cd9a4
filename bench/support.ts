// What the benchmarks share: processes pinned to cores, their CPU from /proc, free ports.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** Runs `node <script> <args>` from dist/ pinned to one core, in production mode. */
export function startProcess(core: number, [script, ...args]: [string, ...string[]], env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs, script, ...args], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`${script} exited with ${code}`);
  });
  return child;
}

export async function waitForHealth(url: string, seconds = 20): Promise<void> {
  for (let attempt = 0; attempt < seconds * 10; attempt += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

let clockTicks: number | undefined;

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString());
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

export const rssMegabytes = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Pins this process to a core, so the gateway has core 0 to itself. */
export const pinSelf = (core: number): void => void execFileSync('taskset', ['-cp', String(core), String(process.pid)], { stdio: 'ignore' });

/** An Ed25519 key pair as the users subgraph and the others take it from the environment. */
export function signingKeys(): { JWT_PRIVATE_KEY: string; JWT_PUBLIC_KEY: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Fresh databases for a run, dropped by `drop`. */
export async function benchDatabases(adminUrl: string, names: string[]): Promise<{ urls: Record<string, string>; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const suffix = randomBytes(4).toString('hex');
  const urls: Record<string, string> = {};
  for (const name of names) {
    await admin.query(`CREATE DATABASE "bench_${name}_${suffix}"`);
    urls[name] = Object.assign(new URL(adminUrl), { pathname: `/bench_${name}_${suffix}` }).toString();
  }
  return {
    urls,
    async drop() {
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "bench_${name}_${suffix}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Stops the processes a run started, then drops its databases. */
export async function tearDown(children: ChildProcess[], databases: { drop(): Promise<void> }): Promise<void> {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await databases.drop();
}

/** Runs a benchmark's main and exits with its outcome (open sockets would keep it alive). */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
