/**
 * What every command receives: the process seam (`io`), AWS (created on first use), styles for both
 * streams, and the engine's log (silent unless `--debug`).
 */
import type { RunLog } from '../shared/backup/ports.js';
import type { CliAws } from './aws.js';
import type { CliIo } from './io.js';
import { createStyle, type Style, useColor } from './style.js';

export interface CommandContext {
  io: CliIo;
  /** AWS clients, created on first call and destroyed by `main` when the command ends. */
  aws(): CliAws;
  /** Style for stdout and for stderr (each coloured only when it is a terminal). */
  out: Style;
  err: Style;
  debug: boolean;
  /** The engine's log lines: to stderr with `--debug`, nowhere otherwise. */
  log: RunLog;
}

export interface Command {
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** The command's `--help` text. */
  help: string;
  /** Runs the command and returns its exit code; throws UsageError for an unusable invocation. */
  run(args: string[], ctx: CommandContext): Promise<number>;
}

/** The engine's log, printed to stderr as `debug: message {fields}` when debugging. */
export function debugLog(io: CliIo, enabled: boolean): RunLog {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    if (!enabled) return;
    io.stderr.write(`debug ${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

/** Styles for both streams, honouring `--no-color`, `NO_COLOR`, `FORCE_COLOR` and whether each is a TTY. */
export function stylesFor(io: CliIo, noColor: boolean): { out: Style; err: Style } {
  return {
    out: createStyle(!noColor && useColor(io.stdout, io.env)),
    err: createStyle(!noColor && useColor(io.stderr, io.env)),
  };
}
