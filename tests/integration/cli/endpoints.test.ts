// Seam: the built CLI (`node bin/docdb-backup.js`, the esbuild bundle) pointed by AWS_ENDPOINT_URL at
// something that is not AWS: a tiny local web server answering HTML, and a closed port. Each command that
// needs AWS says so in one line with the fix, exits 2 and prints no stack trace.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnCli } from './support.js';

const POLICIES = 'config/policies.yml';
let web: Server;
let webUrl: string;
let closedUrl: string;

beforeAll(async () => {
  web = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>It works!</body></html>');
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  await new Promise((resolve) => web.close(resolve));
});

const env = (endpoint: string) => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  RESULTS_TABLE: 'docdb-backup-results',
  DOCDB_BACKUP_POLICIES: POLICIES,
});

const COMMANDS = [['plan'], ['status'], ['run', '--policy', 'nightly-prod', '--dry-run']];

describe('docdb-backup against an endpoint that is not AWS', () => {
  it('a web server answering HTML: "does not answer like AWS", exit 2, one line', async () => {
    const outcomes = await Promise.all(COMMANDS.map((args) => spawnCli(args, env(webUrl), ROOT)));

    for (const [index, outcome] of outcomes.entries()) {
      const command = COMMANDS[index]?.[0];
      expect(outcome.code, outcome.stderr).toBe(2);
      expect(outcome.stdout).toBe('');
      expect(outcome.stderr).toBe(
        `docdb-backup ${command}: ${webUrl} does not answer like AWS (HTTP 200, text/html): check AWS_ENDPOINT_URL or start \`npm run local\` (and export what it prints)\n`,
      );
    }
  });

  it('a closed port: "nothing answers at", exit 2, one line; --debug adds the stack', async () => {
    const [plan, status, dryRun, debug] = await Promise.all([
      ...COMMANDS.map((args) => spawnCli(args, env(closedUrl), ROOT)),
      spawnCli(['status', '--debug'], env(closedUrl), ROOT),
    ]);

    for (const [outcome, command] of [
      [plan, 'plan'],
      [status, 'status'],
      [dryRun, 'run'],
    ] as const) {
      expect(outcome).toEqual({
        code: 2,
        stdout: '',
        stderr: `docdb-backup ${command}: nothing answers at ${closedUrl}: check AWS_ENDPOINT_URL or start \`npm run local\` (and export what it prints)\n`,
      });
    }
    expect(debug?.code).toBe(2);
    expect(debug?.stderr).toContain(`nothing answers at ${closedUrl}`);
    expect(debug?.stderr).toContain('    at ');
  });

  it('plan --offline does not call AWS at all', async () => {
    const offline = await spawnCli(['plan', '--offline'], env(closedUrl), ROOT);

    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toContain('next runs (UTC)');
  });
});
