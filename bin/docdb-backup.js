#!/usr/bin/env node
// `npx docdb-backup <command>`: the operator CLI (cli/). In this repository the TypeScript entry runs
// through tsx's API (a devDependency); a published build points `bin` at an esbuild bundle instead.
import { tsImport } from 'tsx/esm/api';

// The SDK's notice about Node versions it will stop supporting is for Lambda runtimes, not for operators.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await tsImport('../cli/bin.ts', import.meta.url);
await main();
