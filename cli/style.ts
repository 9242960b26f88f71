/**
 * Colour for people at a terminal, plain text for everything else: colour only when the stream is a TTY,
 * never when `NO_COLOR` is set to anything (https://no-color.org), always when `FORCE_COLOR` is set to
 * something other than `0`, never for `TERM=dumb`.
 */
import type { CliOutput } from './io.js';

export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/**
 * Whether to colour what goes to `output`.
 * Example: `useColor({ isTTY: true, write() {} }, { NO_COLOR: '1' })` → `false`
 */
export function useColor(output: CliOutput, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  return output.isTTY && env.TERM !== 'dumb';
}

const sgr = (open: number, close: number) => (text: string) =>
  text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

/**
 * A style that colours when `enabled`, and leaves text alone otherwise.
 * Example: `createStyle(false).red('failed')` → `'failed'`
 */
export function createStyle(enabled: boolean): Style {
  if (!enabled) {
    return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * The width of text on a terminal: escape sequences take no room.
 * Example: `visibleWidth(createStyle(true).red('abc'))` → `3`
 */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** Text without escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
