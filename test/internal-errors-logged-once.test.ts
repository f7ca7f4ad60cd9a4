import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { sql } from './support/databases.js';
import { errorCodes } from './support/graphql.js';
import { captureLogs } from './support/logs.js';
import type { LogLine } from './support/logs.js';
import { startTestSupergraph } from './support/supergraph.js';
import type { TestSupergraph } from './support/supergraph.js';
import { registerUser } from './support/users.js';

// Issue 11, item 13: every INTERNAL_SERVER_ERROR is logged exactly once, with its cause, by
// the process that saw it; a client's mistake is no error line; client noise is one debug line.

const logs = captureLogs();
let supergraph: TestSupergraph;
beforeAll(async () => {
  supergraph = await startTestSupergraph({ env: { NODE_ENV: 'production' }, gatewayEnv: { LOG_LEVEL: 'debug' }, logOutput: logs.output });
}, 120_000);
afterAll(() => supergraph.stop());

const errorLines = (lines: LogLine[]): LogLine[] => lines.filter((line) => line.level === 'error');
/** The error and its causes as one text, to look for the root cause in. */
const causeChain = (line: LogLine): string => JSON.stringify(line['error'] ?? null);

describe('client mistakes are no error line', () => {
  test('a NUL byte in login’s name is BAD_USER_INPUT, and nothing is logged as an error; the password is never logged', async () => {
    const password = 'not-logged-anywhere-1234';
    const lines = await logs.during(async () => {
      const result = await supergraph.request('mutation ($name: String!, $password: String!) { login(usernameOrEmail: $name, password: $password) { accessToken } }', { name: 'ada\u0000', password });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    });
    expect(errorLines(lines)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain(password);
  });

  test('two operations without operationName are 400, and nothing is logged as an error', async () => {
    const lines = await logs.during(async () => {
      const result = await supergraph.request('query A { __typename } query B { __typename }');
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    });
    expect(errorLines(lines)).toEqual([]);
  });
});

describe('client noise is one debug line', () => {
  const debugLines = (lines: LogLine[]) => lines.filter((line) => line.level === 'debug' && line.msg !== 'request');

  test('a malformed JSON body', async () => {
    const lines = await logs.during(async () => {
      const response = await fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }"' });
      expect(response.status).toBe(400);
    });
    expect(errorLines(lines)).toEqual([]);
    expect(debugLines(lines)).toEqual([expect.objectContaining({ name: 'gateway', msg: 'client error', reason: 'invalid json' })]);
  });

  test('a body larger than the limit', async () => {
    const lines = await logs.during(async () => {
      const response = await fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(1024 * 1024)}` }) });
      expect(response.status).toBe(413);
    });
    expect(errorLines(lines)).toEqual([]);
    expect(debugLines(lines)).toEqual([expect.objectContaining({ name: 'gateway', msg: 'client error', reason: 'too large' })]);
  });

  test('an upload the client aborts halfway', async () => {
    const url = new URL(supergraph.gatewayUrl);
    const lines = await logs.during(async () => {
      await new Promise<void>((resolve) => {
        const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100000' } });
        request.on('error', () => resolve());
        request.write('{"query": "{ __typename } #');
        request.write('x'.repeat(10_000));
        // Let the gateway start reading, then go away mid-body.
        setTimeout(() => {
          request.destroy();
          resolve();
        }, 200);
      });
    });
    expect(errorLines(lines)).toEqual([]);
    expect(debugLines(lines)).toEqual([expect.objectContaining({ name: 'gateway', msg: 'client error', reason: 'aborted' })]);
  });

  test('a WebSocket frame larger than the limit', async () => {
    const lines = await logs.during(async () => {
      const socket = new WebSocket(supergraph.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
      await new Promise((resolve) => socket.once('open', resolve));
      const closed = new Promise<number>((resolve) => socket.once('close', resolve));
      socket.send('x'.repeat(1024 * 1024 + 1));
      expect(await closed).toBe(1009);
    });
    expect(errorLines(lines)).toEqual([]);
    expect(debugLines(lines)).toEqual([expect.objectContaining({ name: 'gateway', msg: 'websocket client error', code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' })]);
  });
});

describe('an INTERNAL_SERVER_ERROR is one error line with its cause', () => {
  test('a resolver whose database fails: logged by that subgraph, and not again by the gateway', async () => {
    const user = await registerUser(supergraph, 'logged');
    const database = supergraph.databaseUrls['users']!;
    // The table followersCount reads (the maintained per-user counts).
    await sql(database, 'ALTER TABLE user_follow_counts RENAME TO user_follow_counts_away');
    try {
      const lines = await logs.during(async () => {
        const result = await supergraph.request('{ me { followersCount } }', {}, { token: user.accessToken });
        expect(errorCodes(result)).toEqual(['INTERNAL_SERVER_ERROR']);
        expect(JSON.stringify(result)).not.toMatch(/follow_counts/);
      });
      const errors = errorLines(lines);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ name: 'users', msg: 'internal error' });
      expect(causeChain(errors[0]!)).toMatch(/user_follow_counts/);
      expect(JSON.stringify(lines)).not.toContain(user.accessToken);
    } finally {
      await sql(database, 'ALTER TABLE user_follow_counts_away RENAME TO user_follow_counts');
    }
  });

  test('a subgraph that is down: logged by the gateway, with the cause', async () => {
    await supergraph.subgraphs['polls']!.stop();
    const lines = await logs.during(async () => {
      const result = await supergraph.request('{ polls(first: 1) { edges { node { id } } } }');
      expect(errorCodes(result)).toEqual(['INTERNAL_SERVER_ERROR']);
    });
    const errors = errorLines(lines);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'gateway', msg: 'internal error' });
    expect(causeChain(errors[0]!)).toMatch(/ECONNREFUSED|polls/);
  });
});
