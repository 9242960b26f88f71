// Seam: the guarded `npm run package` / `npm run deploy` (deploy/deploy.ts, deploy/build.ts) and the
// refusal serverless.cjs adds to a plain `serverless deploy`: run as processes in temporary copies of the
// service, offline. A syntax error fails in seconds with esbuild's message instead of hanging
// serverless-esbuild; a stage nobody would be paged for is not deployed.
import { spawnSync } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildError, buildFunctions, readServiceBuild } from '../../deploy/build.js';
import { DEFAULT_TIMEOUT_MINUTES, parseArguments, UsageError } from '../../deploy/deploy.js';
import { copyService, ROOT, runServerless } from './offline.js';

const copies: string[] = [];
function copy(): string {
  const dir = copyService('docdb-backup-guard-');
  copies.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Runs the guard (`tsx deploy/deploy.ts …`) in a copy, bounded, and times it. */
function guard(dir: string, args: string[]) {
  const started = Date.now();
  const run = spawnSync('timeout', ['120', process.execPath, TSX, 'deploy/deploy.ts', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NO_COLOR: '1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  return {
    status: run.status,
    output: `${run.stdout}\n${run.stderr}`,
    seconds: (Date.now() - started) / 1000,
  };
}

describe('the guard’s command line', () => {
  it('takes its own options out and passes the rest to serverless', () => {
    expect(
      parseArguments([
        'deploy',
        '--stage',
        'prod',
        '--allow-no-subscribers',
        '--region=eu-west-1',
        '--timeout-minutes',
        '5',
      ]),
    ).toEqual({
      command: 'deploy',
      stage: 'prod',
      allowNoSubscribers: true,
      timeoutMinutes: 5,
      serverlessArgs: ['--stage', 'prod', '--region=eu-west-1'],
    });
    expect(parseArguments(['package', '-s', 'dev'])).toMatchObject({
      stage: 'dev',
      timeoutMinutes: DEFAULT_TIMEOUT_MINUTES.package,
      serverlessArgs: ['-s', 'dev'],
    });
  });

  it('refuses another command and a timeout that is not a positive number', () => {
    expect(() => parseArguments(['remove'])).toThrow(UsageError);
    expect(() => parseArguments(['deploy', '--timeout-minutes', 'soon'])).toThrow(/positive number/);
  });
});

describe('the build step', () => {
  it('reads the functions and esbuild options from serverless.yml', async () => {
    const build = await readServiceBuild(ROOT);

    expect(build).toMatchObject({
      service: 'docdb-backup',
      defaultStage: 'dev',
      entries: { backup: 'functions/backup/handler.ts', reconcile: 'functions/reconcile/handler.ts' },
    });
    expect(build.options).toMatchObject({ bundle: true, format: 'esm', outExtension: { '.js': '.mjs' } });
    expect(build.options).not.toHaveProperty('exclude');
  });

  it('fails within seconds with esbuild’s message on a syntax error', async () => {
    const dir = copy();
    appendFileSync(join(dir, 'functions', 'reconcile', 'handler.ts'), '\nexport const broken = ;\n');
    const started = Date.now();

    const failure = await buildFunctions(dir).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(BuildError);
    expect((failure as Error).message).toMatch(/functions\/reconcile\/handler\.ts:\d+:\d+/);
    expect((failure as Error).message).toContain('Unexpected ";"');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('npm run package / deploy (deploy/deploy.ts)', () => {
  it('exits non-zero within seconds on a syntax error, with esbuild’s message, before serverless runs', () => {
    const dir = copy();
    appendFileSync(join(dir, 'functions', 'backup', 'handler.ts'), '\nexport const broken = ;\n');

    const run = guard(dir, ['package', '--stage', 'prod']);

    expect(run.status).toBe(1);
    expect(run.output).toContain('functions/backup/handler.ts');
    expect(run.output).toContain('Unexpected ";"');
    expect(run.output).not.toContain('[5/5]');
    expect(run.seconds).toBeLessThan(60);
  }, 130_000);

  it('refuses to deploy a stage nobody would be paged for, before building or calling AWS', () => {
    const dir = copy();
    writeFileSync(join(dir, 'config', 'deploy.yml'), 'version: 1\nalerts:\n  email: []\n');

    const run = guard(dir, ['deploy', '--stage', 'prod']);

    expect(run.status).toBe(1);
    expect(run.output).toContain('NO ONE WOULD BE PAGED');
    expect(run.output).toMatch(/refusing to deploy: no one would be paged for stage "prod"/);
    expect(run.output).not.toContain('[3/5]');
  }, 130_000);

  it('stops on an invalid deploy setting with the file, the key and the fix', () => {
    const dir = copy();
    writeFileSync(
      join(dir, 'config', 'deploy.yml'),
      'version: 1\nalerts:\n  https: ["{{resolve:ssm-secure:/pagerduty/url}}"]\n',
    );

    const run = guard(dir, ['package', '--stage', 'prod']);

    expect(run.status).toBe(1);
    expect(run.output).toContain('config/deploy.yml  alerts.https.0');
    expect(run.output).toContain('not in an SNS subscription’s Endpoint');
  }, 130_000);
});

describe('serverless deploy without the guard', () => {
  it('refuses a stage nobody would be paged for too, and says how to opt in', () => {
    const dir = copy();
    writeFileSync(join(dir, 'config', 'deploy.yml'), 'version: 1\n');

    const run = runServerless(dir, ['deploy', '--stage', 'prod', '--region', 'us-east-1']);

    expect(run.status).not.toBe(0);
    expect(run.status).not.toBe(124);
    expect(`${run.stdout}\n${run.stderr}`).toMatch(
      /refusing to deploy: no one would be paged for stage "prod"/,
    );
    expect(`${run.stdout}\n${run.stderr}`).toContain('allowNone: true');
  }, 310_000);
});
