/**
 * Runs a measurement in a fresh Node process (bench/probe.mjs or a script under tsx) and reads back what it
 * wrote. The environment is built from scratch, so nothing of the bench's own process (tsx's loader,
 * credentials) leaks into what is measured.
 */
import { spawn } from 'node:child_process';
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

/**
 * Runs `node <args>` in `cwd` with exactly `env` (plus PATH); stdout and stderr go to `<logDir>/<name>.log`.
 * The child writes its JSON result to the file named by BENCH_OUT. Asynchronous: an emulator in this
 * process keeps answering.
 */
export function runNode<T>(options: {
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logDir: string;
  name: string;
  timeoutMs?: number;
}): Promise<ChildRun<T>> {
  counter += 1;
  const outFile = join(options.logDir, `${options.name}-${counter}.json`);
  const logFile = join(options.logDir, `${options.name}.log`);
  const log = openSync(logFile, 'a');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, options.args, {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...options.env,
        BENCH_OUT: outFile,
      },
      stdio: ['ignore', log, log],
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, options.timeoutMs ?? 180_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      closeSync(log);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      const wallMs = performance.now() - started;
      clearTimeout(timer);
      closeSync(log);
      if (code !== 0) {
        reject(new Error(`${options.name}: child exited with ${code ?? signal}; see ${logFile}`));
        return;
      }
      try {
        const out = JSON.parse(readFileSync(outFile, 'utf8')) as T;
        rmSync(outFile);
        resolve({ wallMs, out });
      } catch (error) {
        reject(new Error(`${options.name}: no result from the child (${String(error)}); see ${logFile}`));
      }
    });
  });
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
export function runScript(options: {
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  logDir: string;
  name: string;
  timeoutMs?: number;
}): Promise<ScriptRun> {
  const log = openSync(join(options.logDir, `${options.name}.log`), 'a');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, options.args, {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', log],
    });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, options.timeoutMs ?? 180_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      closeSync(log);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      closeSync(log);
      resolve({
        exitCode: code,
        stdout: Buffer.concat(chunks).toString('utf8'),
        wallMs: performance.now() - started,
      });
    });
  });
}
