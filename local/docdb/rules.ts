/** The DocumentDB/RDS API rules the emulator enforces: identifiers, tags, engines. */
import { invalidParameterValue } from '../errors.js';

const IDENTIFIER = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}$/;

/**
 * True when `id` is a valid cluster or snapshot identifier: 1–63 letters, digits or hyphens,
 * first a letter, no trailing hyphen, no `--`. Example: `isValidIdentifier('nightly-orders')` → true
 */
export function isValidIdentifier(id: string): boolean {
  return IDENTIFIER.test(id) && !id.endsWith('-');
}

/** Checks an identifier parameter and returns it lowercase, as AWS stores it. */
export function checkIdentifier(parameter: string, id: string): string {
  if (!isValidIdentifier(id)) {
    throw invalidParameterValue(
      `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; ` +
        'must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.',
    );
  }
  return id.toLowerCase();
}

export const MAX_TAGS_PER_RESOURCE = 50;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Checks tags against AWS's rules: key 1–128, value 0–256 characters of letters, digits, spaces and
 * `_ . : / = + - @`, neither starting with `aws:` or `rds:`. Throws InvalidParameterValue.
 */
export function checkTags(tags: ReadonlyArray<readonly [string, string]>): void {
  for (const [key, value] of tags) {
    if (key.length < 1 || key.length > 128 || !TAG_CHARACTERS.test(key)) {
      throw invalidParameterValue(
        `Invalid tag key: ${JSON.stringify(key)}. Keys are 1-128 characters of letters, digits, spaces and _.:/=+-@`,
      );
    }
    if (value.length > 256 || !TAG_CHARACTERS.test(value)) {
      throw invalidParameterValue(
        `Invalid tag value for key ${key}. Values are 0-256 characters of letters, digits, spaces and _.:/=+-@`,
      );
    }
    for (const prefix of ['aws:', 'rds:']) {
      if (key.toLowerCase().startsWith(prefix) || value.toLowerCase().startsWith(prefix)) {
        throw invalidParameterValue(`Tag keys and values cannot start with ${prefix} (key ${key}).`);
      }
    }
  }
}

/**
 * Checks the tags a request puts on a resource that already carries `existing`: each tag as `checkTags`
 * does, then at most 50 tags in all (a key given again overwrites, it does not add). Throws
 * InvalidParameterValue. Example: `checkResourceTags(readTags(params, 'Tag'))`
 */
export function checkResourceTags(
  added: ReadonlyArray<readonly [string, string]>,
  existing: Iterable<readonly [string, string]> = [],
): void {
  checkTags(added);
  if (new Map([...existing, ...added]).size > MAX_TAGS_PER_RESOURCE) {
    throw invalidParameterValue(`A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags.`);
  }
}

/** Per-engine defaults for the fields a made-up cluster needs. */
export interface EngineDefaults {
  version: string;
  port: number;
  parameterGroup: string;
}

const ENGINES: Record<string, EngineDefaults> = {
  docdb: { version: '5.0.0', port: 27017, parameterGroup: 'default.docdb5.0' },
  'docdb-elastic': { version: '5.0.0', port: 27017, parameterGroup: 'default.docdb5.0' },
  neptune: { version: '1.3.2.1', port: 8182, parameterGroup: 'default.neptune1.3' },
  'aurora-postgresql': { version: '15.4', port: 5432, parameterGroup: 'default.aurora-postgresql15' },
  'aurora-mysql': {
    version: '8.0.mysql_aurora.3.05.2',
    port: 3306,
    parameterGroup: 'default.aurora-mysql8.0',
  },
  postgres: { version: '16.3', port: 5432, parameterGroup: 'default.postgres16' },
  mysql: { version: '8.0.39', port: 3306, parameterGroup: 'default.mysql8.0' },
};

/** Defaults for `engine`; unknown engines get plausible generic values. */
export function engineDefaults(engine: string): EngineDefaults {
  return ENGINES[engine] ?? { version: '1.0.0', port: 5432, parameterGroup: `default.${engine}` };
}
