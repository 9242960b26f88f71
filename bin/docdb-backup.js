#!/usr/bin/env node
// `npx docdb-backup <command>`: the operator CLI (cli/). Runs the esbuild bundle dist/cli/docdb-backup.mjs
// (built by `npm ci` through `prepare`, or `npm run build:cli`) when it is current; when it is missing or
// older than the sources, runs the TypeScript entry through tsx (a dev dependency), which starts slower.
// DOCDB_BACKUP_CLI=bundle or =sources picks one (tests, the bench).
import { pathToFileURL } from 'node:url';
import { BUNDLE_ENTRY, bundleState } from './cli-bundle.js';

// The SDK's notice about Node versions it will stop supporting is for Lambda runtimes, not for operators.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const wanted = process.env.DOCDB_BACKUP_CLI;
const state = wanted === 'sources' ? 'not used' : bundleState();
const useBundle = wanted === 'bundle' || (wanted !== 'sources' && state === 'fresh');
if (wanted === 'bundle' && state === 'missing') {
  process.stderr.write(
    'docdb-backup: DOCDB_BACKUP_CLI=bundle but dist/cli is not built: run `npm run build:cli`\n',
  );
  process.exit(2);
}
if (!useBundle && wanted !== 'sources' && process.stderr.isTTY) {
  process.stderr.write(
    `docdb-backup: the CLI bundle is ${state}, running the sources through tsx (slow start); \`npm run build:cli\` builds it\n`,
  );
}
const { main } = useBundle
  ? await import(pathToFileURL(BUNDLE_ENTRY).href)
  : await (await import('tsx/esm/api')).tsImport('../cli/bin.ts', import.meta.url);
await main();
