/**
 * Runs a measurement in a fresh Node process (bench/probe.mjs or a script under tsx) and reads back what it
 * wrote. The environment is built from scratch, so nothing of the bench's own process (tsx's loader,
 * credentials) leaks into what is measured.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './package.js';

export const PROBE = join(ROOT, 'bench', 'probe.mjs');

export interface ChildRun<T> {
  /** Spawn → exit, as seen by the parent. */
  wallMs: number;
  out: T;
}

let counter = 0;

/** A child `node` run: its arguments, working directory, environment (plus PATH), log folder and name. */
export interface ChildOptions {
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  logDir: string;
  name: string;
  timeoutMs?: number;
}

/** How a child ended, and the time from spawn to `exit` or `close`. */
interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
}

/**
 * Spawns `node <args>` with exactly `env` plus PATH, stdout to `stdout` and stderr to the open `log` (closed
 * when the child ends), killed after `timeoutMs` (3 minutes). Settles on `endOn`: `exit` for a child that
 * writes its result to a file, `close` for one whose piped stdout must be read to the end.
 */
function startNode(
  options: ChildOptions,
  env: Record<string, string>,
  stdio: { stdout: 'pipe' | number; log: number; endOn: 'exit' | 'close' },
): { child: ChildProcess; ended: Promise<ChildEnd> } {
  const started = performance.now();
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', stdio.stdout, stdio.log],
  });
  const ended = new Promise<ChildEnd>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, options.timeoutMs ?? 180_000);
    const done = () => {
      clearTimeout(timer);
      closeSync(stdio.log);
    };
    child.on('error', (error) => {
      done();
      reject(error);
    });
    child.on(stdio.endOn, (code: number | null, signal: NodeJS.Signals | null) => {
      const wallMs = performance.now() - started;
      done();
      resolve({ code, signal, wallMs });
    });
  });
  return { child, ended };
}

/**
 * Runs `node <args>` in `cwd` with exactly `env` (plus PATH); stdout and stderr go to `<logDir>/<name>.log`.
 * The child writes its JSON result to the file named by BENCH_OUT. Asynchronous: an emulator in this
 * process keeps answering.
 * @example const { wallMs, out } = await runNode<ProbeOut>({ args: [PROBE], cwd, env, logDir, name: 'cold' })
 */
export async function runNode<T>(
  options: ChildOptions & { env: Record<string, string> },
): Promise<ChildRun<T>> {
  counter += 1;
  const outFile = join(options.logDir, `${options.name}-${counter}.json`);
  const logFile = join(options.logDir, `${options.name}.log`);
  const log = openSync(logFile, 'a');
  const env = { ...options.env, BENCH_OUT: outFile };
  const { code, signal, wallMs } = await startNode(options, env, { stdout: log, log, endOn: 'exit' }).ended;
  if (code !== 0) throw new Error(`${options.name}: child exited with ${code ?? signal}; see ${logFile}`);
  try {
    const out = JSON.parse(readFileSync(outFile, 'utf8')) as T;
    rmSync(outFile);
    return { wallMs, out };
  } catch (error) {
    throw new Error(`${options.name}: no result from the child (${String(error)}); see ${logFile}`);
  }
}

export interface ScriptRun {
  exitCode: number | null;
  stdout: string;
  wallMs: number;
}

/**
 * Runs `node <args>` in `cwd` with `env` (plus PATH) and returns its stdout and exit code, whatever the code:
 * for scripts that print their own report (bench/validate.ts). Stderr goes to `<logDir>/<name>.log`.
 * @example const { stdout, exitCode } = await runScript({ args: ['--import', 'tsx', 'bench/validate.ts'], ... })
 */
export async function runScript(options: ChildOptions): Promise<ScriptRun> {
  const log = openSync(join(options.logDir, `${options.name}.log`), 'a');
  const { child, ended } = startNode(options, options.env ?? {}, { stdout: 'pipe', log, endOn: 'close' });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  const { code, wallMs } = await ended;
  return { exitCode: code, stdout: Buffer.concat(chunks).toString('utf8'), wallMs };
}
