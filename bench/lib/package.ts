import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { copyService, ROOT, RUN_LIMIT_SECONDS, runServerless } from '../../tests/deploy/offline.js';
import { readZip } from '../../tests/deploy/zip.js';

export { ROOT };

export interface PackagedService {
  /** The temporary copy of the service (serverless.yml, sources, node_modules linked). */
  serviceDir: string;
  /** The unzipped artifact: what Lambda puts in LAMBDA_TASK_ROOT. */
  taskRoot: string;
  /** `<taskRoot>/functions/backup/handler.mjs` */
  handlerFile: string;
  zipBytes: number;
  packageMs: number;
  /**
   * The function's environment as the packaged CloudFormation template sets it (string values only;
   * `!Ref`s such as the topic and table are the emulator's to provide).
   */
  functionEnv: Record<string, string>;
}

/**
 * Packages the service once (`timeout 300 serverless package`) and unzips the artifact. With `policies`,
 * that file replaces config/policies.yml in the copy first, so the artifact carries it exactly as a deploy
 * of that file would (validated, and compiled if the deploy compiles it). The caller removes `serviceDir`;
 * a failed package removes it itself.
 * @example const { handlerFile } = packageService(); // …/task-root/functions/backup/handler.mjs
 */
export function packageService(options: { policies?: string } = {}): PackagedService {
  const serviceDir = copyService('docdb-backup-bench-');
  if (options.policies) cpSync(options.policies, join(serviceDir, 'config', 'policies.yml'));
  const out = join(serviceDir, 'out');
  mkdirSync(out);
  const started = performance.now();
  const run = runServerless(serviceDir, [
    'package',
    '--stage',
    'prod',
    '--region',
    'us-east-1',
    '--package',
    out,
  ]);
  const packageMs = performance.now() - started;
  if (run.status !== 0) {
    rmSync(serviceDir, { recursive: true, force: true });
    const why = run.status === 124 ? `timed out after ${RUN_LIMIT_SECONDS} s` : `exit ${run.status}`;
    throw new Error(`serverless package failed (${why}):\n${run.stdout}\n${run.stderr}`);
  }
  const zip = readFileSync(join(out, 'docdb-backup.zip'));
  const taskRoot = join(serviceDir, 'task-root');
  for (const entry of readZip(zip)) {
    mkdirSync(dirname(join(taskRoot, entry.name)), { recursive: true });
    writeFileSync(join(taskRoot, entry.name), entry.read());
  }
  return {
    serviceDir,
    taskRoot,
    handlerFile: join(taskRoot, 'functions', 'backup', 'handler.mjs'),
    zipBytes: zip.length,
    packageMs,
    functionEnv: functionEnvironment(join(out, 'cloudformation-template-update-stack.json')),
  };
}

/** The backup function's literal environment variables in a packaged template. */
function functionEnvironment(templateFile: string): Record<string, string> {
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  };
  const fn = Object.values(template.Resources).find(
    (r) =>
      r.Type === 'AWS::Lambda::Function' &&
      String(r.Properties?.Handler ?? '').startsWith('functions/backup/'),
  );
  const variables = (fn?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
    ?.Variables;
  if (!variables) throw new Error(`no backup function environment in ${templateFile}`);
  return Object.fromEntries(
    Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
