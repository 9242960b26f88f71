/**
 * Tag rules shared by AWS resources (DocumentDB follows the RDS rules): key 1–128 and value 0–256
 * characters of Unicode letters, digits, white space and `_ . : / = + - @`; neither may start with `aws:`
 * or `rds:`; at most 50 tags per resource. Keys under `docdb-backup:` belong to this service.
 */
import { z } from 'zod';
import { MAX_TAGS_PER_RESOURCE, OWN_TAG_KEYS, RESERVED_TAG_PREFIX } from './limits.js';
import { quote } from './text.js';

export { MAX_TAGS_PER_RESOURCE, OWN_TAG_KEYS, RESERVED_TAG_PREFIX };

/** Characters AWS accepts in tag keys and values. */
export const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** `[aA][wW][sS]:` for `aws:`: a case-insensitive literal that JSON Schema `pattern` can carry. */
function anyCase(text: string): string {
  return [...text]
    .map((c) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`))
    .join('');
}

/** Rejects values starting with `aws:` or `rds:` in any case. */
export const NOT_AWS_RESERVED = new RegExp(`^(?!${anyCase('aws:')}|${anyCase('rds:')})`);
/** Rejects keys starting with `docdb-backup:` in any case. */
export const NOT_SERVICE_RESERVED = new RegExp(`^(?!${anyCase(RESERVED_TAG_PREFIX)})`);

const CHARACTERS_TEXT = 'letters, digits, spaces and _ . : / = + - @';

/**
 * Keys a JavaScript object cannot hold as plain data: `__proto__` would be dropped (or change an object's
 * prototype) and `constructor`/`prototype` shadow what code expects there. Refused instead of ignored.
 */
export const NOT_OBJECT_RESERVED = /^(?!(?:__proto__|constructor|prototype)$)/;
export const OBJECT_RESERVED_MESSAGE =
  'expected a tag key other than "__proto__", "constructor" or "prototype" (reserved in JavaScript objects)';

/** A tag key as AWS accepts it. Used for cluster selection tags. */
export const TagKeySchema = z
  .string()
  .regex(TAG_CHARACTERS, `expected a tag key of ${CHARACTERS_TEXT}`)
  .regex(NOT_AWS_RESERVED, 'expected a tag key not starting with "aws:" or "rds:" (reserved by AWS)')
  .regex(NOT_OBJECT_RESERVED, OBJECT_RESERVED_MESSAGE)
  .min(1, 'expected a tag key of 1 to 128 characters')
  .max(128, 'expected a tag key of 1 to 128 characters')
  .describe(
    'Tag key: 1–128 letters, digits, spaces and _ . : / = + - @; not starting with aws: or rds:; not ' +
      '__proto__, constructor or prototype.',
  );

/** A tag key the policy may put on snapshots: as `TagKeySchema`, and not in the service's namespace. */
export const SnapshotTagKeySchema = TagKeySchema.regex(
  NOT_SERVICE_RESERVED,
  `expected a tag key not starting with "${RESERVED_TAG_PREFIX}" (reserved for the tags this service sets)`,
).describe(
  `Snapshot tag key: 1–128 letters, digits, spaces and _ . : / = + - @; not starting with aws:, rds: or ${RESERVED_TAG_PREFIX}; ` +
    'not __proto__, constructor or prototype.',
);

/** A tag value as AWS accepts it (may be empty). */
export const TagValueSchema = z
  .string()
  .regex(TAG_CHARACTERS, `expected a tag value of ${CHARACTERS_TEXT}`)
  .regex(NOT_AWS_RESERVED, 'expected a tag value not starting with "aws:" or "rds:" (reserved by AWS)')
  .max(256, 'expected a tag value of at most 256 characters')
  .describe('Tag value: 0–256 letters, digits, spaces and _ . : / = + - @; not starting with aws: or rds:.');

/**
 * The first character of `text` that tags do not allow, for messages.
 * Example: `disallowedCharacter('cost$center')` → `'$'`
 */
export function disallowedCharacter(text: string): string | undefined {
  return [...text].find((c) => !TAG_CHARACTERS.test(c));
}

/**
 * Checks one tag against the AWS rules and the service's reserved namespace; returns what is wrong, or
 * `undefined` when the tag is fine. Pass `{ allowReserved: true }` for tags that are only matched, never
 * written (cluster selection), or for the service's own tags.
 * Example: `checkTag('aws:owner', 'x')` → `'tag key "aws:owner": expected a tag key not starting with …'`
 */
export function checkTag(
  key: string,
  value: string,
  options: { allowReserved?: boolean } = {},
): string | undefined {
  const keySchema = options.allowReserved ? TagKeySchema : SnapshotTagKeySchema;
  const keyIssue = keySchema.safeParse(key).error?.issues[0];
  if (keyIssue) return `tag key ${quote(key)}: ${keyIssue.message}${characterHint(key)}`;
  const valueIssue = TagValueSchema.safeParse(value).error?.issues[0];
  if (valueIssue)
    return `tag value ${quote(value)} of key ${quote(key)}: ${valueIssue.message}${characterHint(value)}`;
  return undefined;
}

function characterHint(text: string): string {
  const bad = disallowedCharacter(text);
  return bad === undefined ? '' : ` (${quote(bad)} is not allowed)`;
}
