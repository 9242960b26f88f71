/**
 * Everything a command touches outside itself: output streams, the environment, the working directory,
 * the time and Ctrl-C. Commands receive a `CliIo`; only `processIo()` reads the real process, so tests run
 * commands in-process with plain buffers.
 */
import { EXIT } from './errors.js';

/** Where text goes. `isTTY` decides live progress and colour; `columns` is the terminal width when known. */
export interface CliOutput {
  write(text: string): void;
  readonly isTTY: boolean;
  readonly columns?: number;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** The environment the command reads (AWS settings, the function's variables, NO_COLOR). */
  env: NodeJS.ProcessEnv;
  /** Relative policy file paths are resolved against it. */
  cwd: string;
  now(): Date;
  /** Calls `handler` on the first Ctrl-C (SIGINT) until the returned function is called; a second one ends the process. */
  onInterrupt(handler: () => void): () => void;
}

/**
 * The real process: stdout, stderr, `process.env`, the current directory and SIGINT.
 * Example: `process.exitCode = await runCli(process.argv.slice(2), processIo())`
 */
export function processIo(): CliIo {
  const output = (stream: NodeJS.WriteStream): CliOutput => ({
    write: (text) => {
      stream.write(text);
    },
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.isTTY ? stream.columns : undefined;
    },
  });
  return {
    stdout: output(process.stdout),
    stderr: output(process.stderr),
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    onInterrupt: (handler) => {
      let interrupted = false;
      const listener = () => {
        // A second Ctrl-C does not wait for the first to finish stopping.
        if (interrupted) process.exit(EXIT.interrupted);
        interrupted = true;
        handler();
      };
      process.on('SIGINT', listener);
      return () => {
        process.off('SIGINT', listener);
      };
    },
  };
}

/** A stream that keeps what is written, for tests and for building output before printing it. */
export interface BufferedOutput extends CliOutput {
  text(): string;
}

/**
 * An in-memory output.
 * Example: `const out = bufferedOutput(); out.write('a'); out.text()` → `'a'`
 */
export function bufferedOutput(options: { isTTY?: boolean; columns?: number } = {}): BufferedOutput {
  const chunks: string[] = [];
  return {
    write: (text) => {
      chunks.push(text);
    },
    isTTY: options.isTTY ?? false,
    columns: options.columns,
    text: () => chunks.join(''),
  };
}
