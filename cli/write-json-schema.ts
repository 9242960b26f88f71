/**
 * `npm run schema`: regenerates config/policies.schema.json from the zod schema. With `--check` it only
 * compares and exits 1 when the committed file is stale (the unit test does the same).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { POLICY_SCHEMA_PATH, renderPolicyFileJsonSchema } from './json-schema.js';

const root = join(import.meta.dirname, '..');
const target = join(root, POLICY_SCHEMA_PATH);
const fresh = renderPolicyFileJsonSchema();
const current = await readFile(target, 'utf8').catch(() => '');

if (process.argv.includes('--check')) {
  if (current !== fresh) {
    console.error(`${POLICY_SCHEMA_PATH} is stale: run npm run schema`);
    process.exitCode = 1;
  } else {
    console.log(`${POLICY_SCHEMA_PATH} is up to date`);
  }
} else if (current === fresh) {
  console.log(`${POLICY_SCHEMA_PATH} is up to date`);
} else {
  await writeFile(target, fresh);
  console.log(`wrote ${POLICY_SCHEMA_PATH}`);
}
