/**
 * Flags through `node:util` parseArgs, strict, with its errors turned into `UsageError`s that read like
 * the rest of the CLI. Every command also takes `--help`, `--debug` and `--no-color`.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { clip, closest } from '../shared/policy/text.js';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command understands. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  'no-color': { type: 'boolean' },
} as const satisfies Options;

export interface CommonFlags {
  help?: boolean;
  debug?: boolean;
  'no-color'?: boolean;
}

/** Node's own parse messages quote the arguments: long enough to say what is wrong, no more. */
const MAX_PARSE_MESSAGE = 200;

/**
 * The flag most likely meant by an unknown one, as typed (`--polciy` → `--policy`), among `options`.
 * Example: `suggestFlag('--polciy', { policy: { type: 'string' } })` → `'--policy'`
 */
export function suggestFlag(typed: string, options: Options): string | undefined {
  if (!typed.startsWith('--')) return undefined;
  const name = typed.slice(2).split('=')[0] ?? '';
  const found = closest(name, Object.keys(options));
  return found ? `--${found}` : undefined;
}

function describeParseError(error: Error & { code?: string }, options: Options): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  const positional = /argument '([^']*)'/.exec(error.message)?.[1];
  // What the user typed is echoed capped (80 characters) with control characters escaped.
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const suggestion = option ? suggestFlag(option, options) : undefined;
      return `unknown option ${clip(option ?? error.message)}${suggestion ? `: did you mean ${suggestion}?` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option && /argument missing/.test(error.message)
        ? `${clip(option)} needs a value`
        : `${option ? clip(option) : 'an option'} does not take a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${clip(positional ?? error.message)}"`;
    default:
      return clip(error.message, MAX_PARSE_MESSAGE);
  }
}

/**
 * Parses one command's arguments, or throws a `UsageError` naming the flag.
 * Example: `parseCommandArgs('plan', ['--policy', 'nightly'], { policy: { type: 'string' } }, 0)`
 */
export function parseCommandArgs<const O extends Options>(
  command: string,
  args: string[],
  options: O,
  maxPositionals: number,
) {
  const config = {
    args,
    options: { ...COMMON_OPTIONS, ...options },
    allowPositionals: true,
    strict: true,
  } as const;
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    throw new UsageError(describeParseError(error as Error, config.options), { command, cause: error });
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals[maxPositionals];
    throw new UsageError(`unexpected argument "${clip(extra ?? '')}"`, { command });
  }
  return parsed;
}

/** A string flag that must not be empty when given. */
export function nonEmpty(value: string | undefined, flag: string, command: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value`, { command });
  return value;
}
