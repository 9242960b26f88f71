/**
 * Only the policy loader (YAML + zod validation + resolution), bundled with serverless.yml's esbuild
 * options: what reading config/policies.yml costs the function at start, measured on its own.
 */
export { loadPolicyFile } from '../../shared/policy/index.js';
