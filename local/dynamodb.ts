/**
 * DynamoDB through dynalite, a real DynamoDB implementation: one in-memory dynalite server per account
 * and Region, started on first use on a random loopback port; requests are proxied to it unchanged
 * and its responses streamed back.
 */
import { Agent, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

/**
 * dynalite answers CreateTable/UpdateTable/DeleteTable with CREATING/UPDATING/DELETING (like AWS) and
 * settles the status on a 0 ms timer. Those answers are held back a little longer than that timer, so
 * the caller's next request already sees the table ACTIVE (or gone), as `createTableMs: 0` intends.
 */
const TABLE_STATUS_SETTLE_MS = 3;
const TABLE_STATUS_ACTIONS = /\.(CreateTable|UpdateTable|DeleteTable)$/;

function changesTableStatus(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && TABLE_STATUS_ACTIONS.test(target);
}

export class DynamoDbBackends {
  private readonly servers = new Map<string, Promise<Server>>();
  private readonly agent = new Agent({ keepAlive: true });

  /** Number of dynalite servers running. */
  get size(): number {
    return this.servers.size;
  }

  /** Proxies one DynamoDB request to the account's and Region's dynalite; resolves when answered. */
  async proxy(req: IncomingMessage, res: ServerResponse, accountId: string, region: string): Promise<void> {
    const server = await this.backend(accountId, region);
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent: this.agent,
        },
        (answer) => {
          const forward = (): void => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          };
          answer.on('end', resolve);
          answer.on('error', () => resolve());
          if (changesTableStatus(req)) setTimeout(forward, TABLE_STATUS_SETTLE_MS);
          else forward();
        },
      );
      upstream.on('error', (error) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(
            JSON.stringify({
              __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
              message: error.message,
            }),
          );
        } else {
          res.destroy(error);
        }
        resolve();
      });
      req.pipe(upstream);
    });
  }

  /** Stops every dynalite server (their tables are gone); later requests start fresh ones. */
  async closeAll(): Promise<void> {
    const servers = await Promise.allSettled([...this.servers.values()]);
    this.servers.clear();
    await Promise.all(
      servers.flatMap((settled) => (settled.status === 'fulfilled' ? [closeServer(settled.value)] : [])),
    );
  }

  /** Stops every server and drops the pooled connections. */
  async destroy(): Promise<void> {
    this.agent.destroy();
    await this.closeAll();
  }

  private backend(accountId: string, region: string): Promise<Server> {
    const key = `${accountId}/${region}`;
    let server = this.servers.get(key);
    if (!server) {
      server = startDynalite(accountId, region);
      this.servers.set(key, server);
    }
    return server;
  }
}

/**
 * dynalite reads the account and Region for its ARNs from the environment once, when created; they are
 * set for that synchronous call only, so TableArn names the caller's account and Region.
 */
function startDynalite(accountId: string, region: string): Promise<Server> {
  const names = ['AWS_ACCOUNT_ID', 'AWS_REGION', 'AWS_DEFAULT_REGION'] as const;
  const saved = names.map((name) => process.env[name]);
  let server: Server;
  try {
    process.env.AWS_ACCOUNT_ID = accountId;
    process.env.AWS_REGION = region;
    process.env.AWS_DEFAULT_REGION = region;
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  } finally {
    names.forEach((name, i) => {
      const value = saved[i];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    });
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
