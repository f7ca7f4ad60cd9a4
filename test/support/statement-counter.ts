import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

export interface StatementCounter {
  /** The database URL to hand the code under test: this proxy's address, the same database. */
  url: string;
  /** SQL statements sent through the proxy so far (each simple query and each execution of an extended one). */
  count(): number;
  close(): Promise<void>;
}

// Startup packets carry no type byte; these request codes come before the real startup message.
const SSL_REQUEST = 80877103;
const GSS_ENCRYPTION_REQUEST = 80877104;

/**
 * Counts what a process asks of PostgreSQL from outside it: a TCP proxy in front of the
 * database that reads the frontend messages going through (PostgreSQL's wire protocol) and
 * counts `Query` ('Q') and `Execute` ('E') messages. One `client.query` is exactly one of
 * them, BEGIN and COMMIT included. Nothing in the code under test knows it is there.
 */
export async function startStatementCounter(databaseUrl: string): Promise<StatementCounter> {
  const target = new URL(databaseUrl);
  let statements = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    for (const socket of [client, upstream]) socket.on('close', () => sockets.delete(socket)).on('error', () => {});
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.pipe(client);
    let pending = Buffer.alloc(0);
    let startup = true;
    let skip = 0;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      let data = chunk;
      if (skip > 0) {
        const skipped = Math.min(skip, data.length);
        skip -= skipped;
        data = data.subarray(skipped);
      }
      pending = Buffer.concat([pending, data]);
      for (;;) {
        if (startup) {
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          const code = pending.readInt32BE(4);
          startup = code === SSL_REQUEST || code === GSS_ENCRYPTION_REQUEST;
          const consumed = Math.min(length, pending.length);
          skip = length - consumed;
          pending = pending.subarray(consumed);
          continue;
        }
        if (pending.length < 5) break;
        const type = String.fromCharCode(pending[0]!);
        if (type === 'Q' || type === 'E') statements += 1;
        const length = 1 + pending.readInt32BE(1);
        const consumed = Math.min(length, pending.length);
        skip = length - consumed;
        pending = pending.subarray(consumed);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    count: () => statements,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
