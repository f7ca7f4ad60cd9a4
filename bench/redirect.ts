// Redirect benchmark: `GET /s/:code` through the gateway (cache hit, click buffered and
// counted) against a bare node:http server answering a fixed 302, alternating in one run,
// both pinned to core 0; the links subgraph, PostgreSQL, Redis and this load generator share
// core 1. Then the clicks the database holds are compared with the 302s received, and a flood
// of random unknown codes shows what reaches links and its database.
//
//   npm run bench:redirect -- --connections 32 --seconds 10 --rounds 3
import { randomBytes, randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Pool } from 'undici';
import { metricTotal } from '../test/support/metrics.js';
import { startStatementCounter } from '../test/support/statement-counter.js';
import { benchDatabases, cpuSeconds, freePort, percentile, pinSelf, rssMegabytes, runBenchmark, signingKeys, startProcess, tearDown, waitForHealth } from './support.js';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    /** HTTP/1.1 pipelining depth: a deeper pipeline costs the load generator less per request. */
    pipelining: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    links: { type: 'string', default: '1000' },
    flood: { type: 'string', default: '20000' },
    postgres: { type: 'string', default: process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    redis: { type: 'string', default: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379' },
  },
});
const CONNECTIONS = Number(args.connections);
const SECONDS = Number(args.seconds);
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const TARGET = 'https://example.com/a/typical/landing/page?utm_source=bench';

/** The baseline: what node:http alone does for a 302 with a body of the same size. */
const BARE_SERVER = `
const http = require('node:http');
const body = Buffer.from(${JSON.stringify(`<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>Redirecting</title>\n<body><p>Redirecting to <a href="${TARGET}">${TARGET}</a>.</p></body></html>\n`)});
const headers = ['location', ${JSON.stringify(TARGET)}, 'content-type', 'text/html; charset=utf-8', 'content-length', String(body.length), 'cache-control', 'no-store', 'referrer-policy', 'strict-origin-when-cross-origin', 'x-content-type-options', 'nosniff'];
const server = http.createServer((request, response) => { if (request.url === '/health') return response.end('ok'); response.writeHead(302, headers); response.end(body); });
server.keepAliveTimeout = 65000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));`;

interface RunResult {
  requests: number;
  redirects: number;
  other: number;
  latencies: number[];
}

/** A closed loop of C connections for `seconds` (after a second of warm-up); `path` picks each request's path. */
async function load(origin: string, path: () => string, seconds: number, countWarmup = false): Promise<RunResult & { warmupRedirects: number }> {
  const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: Number(args.pipelining), keepAliveTimeout: 30_000 });
  const result = { requests: 0, redirects: 0, other: 0, latencies: [] as number[], warmupRedirects: 0 };
  let measuring = false;
  let running = true;
  const worker = async (): Promise<void> => {
    while (running) {
      const started = performance.now();
      const response = await pool.request({ path: path(), method: 'GET', headers: { 'user-agent': BROWSER } });
      await response.body.dump();
      if (!measuring) {
        if (countWarmup && response.statusCode === 302) result.warmupRedirects += 1;
        continue;
      }
      result.requests += 1;
      if (response.statusCode === 302) result.redirects += 1;
      else result.other += 1;
      result.latencies.push(performance.now() - started);
    }
  };
  const workers = Array.from({ length: CONNECTIONS * Number(args.pipelining) }, worker);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  measuring = true;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  measuring = false;
  running = false;
  await Promise.all(workers);
  await pool.close();
  return result;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomCode = (): string => Array.from(randomBytes(7), (byte) => BASE62[byte % 62]).join('');

async function main(): Promise<void> {
  pinSelf(1);
  const databases = await benchDatabases(args.postgres, ['links']);
  const counter = await startStatementCounter(databases.urls['links']!);
  const keys = signingKeys();
  const [linksPort, gatewayPort, barePort] = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const redisPrefix = `bench-${randomUUID()}`;
  try {
    // The links table first: the subgraph builds its code filter when it starts.
    const migrate = startProcess(1, ['dist/subgraphs/main.js', 'links'], { HOST: '127.0.0.1', PORT: String(linksPort), LINKS_DATABASE_URL: databases.urls['links']!, JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY });
    await waitForHealth(`http://127.0.0.1:${linksPort}/health`);
    migrate.kill('SIGTERM');
    await new Promise((resolve) => migrate.once('exit', resolve));
    const codes = Array.from({ length: Number(args.links) }, (_, index) => `bench${index}`);
    const client = new pg.Client({ connectionString: databases.urls['links']! });
    await client.connect();
    const owner = randomUUID();
    await client.query(
      `INSERT INTO links (id, code, code_key, url, owner_id) SELECT gen_random_uuid(), c, c, $2, $3 FROM unnest($1::text[]) AS c`,
      [codes, TARGET, owner],
    );

    const common = { HOST: '127.0.0.1', REDIS_URL: args.redis, REDIS_PREFIX: redisPrefix, JWT_PUBLIC_KEY: keys.JWT_PUBLIC_KEY };
    children.push(startProcess(1, ['dist/subgraphs/main.js', 'links'], { ...common, PORT: String(linksPort), LINKS_DATABASE_URL: counter.url }));
    await waitForHealth(`http://127.0.0.1:${linksPort}/health`);
    const gateway = startProcess(0, ['dist/gateway/main.js'], { ...common, PORT: String(gatewayPort), LINKS_SUBGRAPH_URL: `http://127.0.0.1:${linksPort}/graphql`, VISITOR_HASH_KEY: randomBytes(32).toString('hex') });
    children.push(gateway);
    const bare = startProcess(0, ['-e', BARE_SERVER], { PORT: String(barePort) });
    children.push(bare);
    const gatewayOrigin = `http://127.0.0.1:${gatewayPort}`;
    await waitForHealth(`${gatewayOrigin}/health`);
    await waitForHealth(`http://127.0.0.1:${barePort}/health`);

    // Every code asked once: the rounds measure the steady state (answers cached), not the first lookups.
    let gatewayRedirects = 0;
    for (let start = 0; start < codes.length; start += CONNECTIONS) {
      const statuses = await Promise.all(codes.slice(start, start + CONNECTIONS).map(async (code) => (await fetch(`${gatewayOrigin}/s/${code}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } })).status));
      gatewayRedirects += statuses.filter((status) => status === 302).length;
    }
    const pick = (): string => `/s/${codes[Math.floor(Math.random() * codes.length)]}`;
    const candidates = [
      { name: 'bare node:http 302', origin: `http://127.0.0.1:${barePort}`, process: bare },
      { name: 'gateway /s/:code', origin: gatewayOrigin, process: gateway },
    ];
    const rows: Record<string, Array<{ rps: number; p50: number; p99: number; cpu: number }>> = {};
    for (let round = 0; round < Number(args.rounds); round += 1) {
      for (const candidate of candidates) {
        const cpuBefore = cpuSeconds(candidate.process.pid!);
        const result = await load(candidate.origin, pick, SECONDS, candidate.process === gateway);
        const cpu = (100 * (cpuSeconds(candidate.process.pid!) - cpuBefore)) / (SECONDS + 1);
        if (candidate.process === gateway) gatewayRedirects += result.redirects + result.warmupRedirects;
        if (result.other > 0) throw new Error(`${candidate.name}: ${result.other} answers were not 302`);
        const sorted = result.latencies.sort((a, b) => a - b);
        (rows[candidate.name] ??= []).push({ rps: result.requests / SECONDS, p50: percentile(sorted, 50), p99: percentile(sorted, 99), cpu });
        console.log(JSON.stringify({ round, candidate: candidate.name, requestsPerSecond: Math.round(result.requests / SECONDS), p50ms: percentile(sorted, 50).toFixed(2), p99ms: percentile(sorted, 99).toFixed(2), cpuPercent: cpu.toFixed(0) }));
      }
    }
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const summary = Object.fromEntries(Object.entries(rows).map(([name, runs]) => [name, { rps: median(runs.map((run) => run.rps)), p50: median(runs.map((run) => run.p50)), p99: median(runs.map((run) => run.p99)), cpu: median(runs.map((run) => run.cpu)) }]));
    const [bareRow, gatewayRow] = [summary[candidates[0]!.name]!, summary[candidates[1]!.name]!];
    // CPU per request says what a saturated core would do, when the load generator (sharing
    // core 1) cannot saturate core 0.
    const microsPerRequest = (row: { rps: number; cpu: number }): number => (row.cpu * 10_000) / row.rps;
    console.log(`\n${CONNECTIONS} connections, pipelining ${args.pipelining}, ${args.rounds} rounds of ${SECONDS} s each\n`);
    console.log('| candidate | requests/s (median of rounds) | p50 ms | p99 ms | CPU of its core | CPU µs per request |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, row] of Object.entries(summary)) console.log(`| ${name} | ${row.rps.toFixed(0)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.cpu.toFixed(0)}% | ${microsPerRequest(row).toFixed(1)} |`);
    console.log(`\nratio gateway / bare: ${(gatewayRow.rps / bareRow.rps).toFixed(3)}x requests per second; ${(microsPerRequest(bareRow) / microsPerRequest(gatewayRow)).toFixed(3)}x by CPU per request; gateway RSS ${rssMegabytes(gateway.pid!).toFixed(0)} MB`);

    // Every 302 the gateway gave a browser is a click: the database must hold exactly that many.
    let stored = 0;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      stored = Number((await client.query<{ n: string }>('SELECT coalesce(sum(clicks), 0) AS n FROM links')).rows[0]?.n);
      if (stored >= gatewayRedirects) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const hours = Number((await client.query<{ n: string }>('SELECT coalesce(sum(clicks), 0) AS n FROM link_click_hours')).rows[0]?.n);
    console.log(`clicks: ${gatewayRedirects} redirects served, ${stored} in links.clicks, ${hours} in the hourly buckets${stored === gatewayRedirects && hours === stored ? ' (exact)' : ' (MISMATCH)'}`);

    // A flood of random codes: each is new, so each costs the gateway a question to links, whose
    // code filter answers without its database; asked again, they are answered from the cache.
    const flood = Array.from({ length: Number(args.flood) }, randomCode);
    for (const round of ['first time', 'again']) {
      let next = 0;
      const lookupsBefore = await metricTotal(`${gatewayOrigin}/metrics`, 'gateway_short_link_lookups_total');
      const statementsBefore = counter.count();
      const started = performance.now();
      const pool = new Pool(gatewayOrigin, { connections: CONNECTIONS });
      let notFound = 0;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (next < flood.length) {
            const response = await pool.request({ path: `/s/${flood[next++]}`, method: 'GET', headers: { 'user-agent': BROWSER } });
            await response.body.dump();
            if (response.statusCode === 404) notFound += 1;
          }
        }),
      );
      await pool.close();
      const seconds = (performance.now() - started) / 1_000;
      const lookups = (await metricTotal(`${gatewayOrigin}/metrics`, 'gateway_short_link_lookups_total')) - lookupsBefore;
      console.log(`flood (${round}): ${flood.length} random codes, ${notFound} answered 404, ${(flood.length / seconds).toFixed(0)} requests/s, ${lookups} asked of links, ${counter.count() - statementsBefore} SQL statements on the links database`);
    }
    await client.end();
  } finally {
    await tearDown(children, databases);
    await counter.close();
  }
}

runBenchmark(main);
