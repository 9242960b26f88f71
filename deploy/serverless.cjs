'use strict';
/**
 * The bridge serverless.yml uses: `${file(./deploy/serverless.cjs):resources}`, `…:roles` (each
 * function's generated role), `…:policiesFile`, `…:compiledPoliciesFile` and `…:metricsNamespace`. osls loads variable files with require(), so this file is CommonJS; the generator and
 * the policy loader it calls are the project's ESM TypeScript, loaded through tsx's namespaced loader
 * (tsImport), which leaves the rest of the serverless process untouched. Generated once per process.
 *
 * Who would be paged (deploy/subscribers.ts): the problems are printed to stderr (unless deploy/deploy.ts,
 * which printed them already, runs this process: `DOCDB_BACKUP_GUARDED=true`), and a `serverless deploy`
 * of a stage that would page nobody fails here, so a deploy that bypasses `npm run deploy` refuses too.
 */
const path = require('node:path');

let pending;

/** Errors the user can act on (an invalid policy file, bad settings) print as their message alone. */
const ACTIONABLE = new Set([
  'PolicyValidationError',
  'PolicyFileReadError',
  'DeploySettingsError',
  'DeployConfigError',
]);

/** The serverless command of this process (`package`, `deploy`, …): its first argument that is no option. */
function command() {
  return process.argv.slice(2).find((arg) => !arg.startsWith('-'));
}

async function generate({ resolveVariable }) {
  // The ESM build of tsx's API: its CommonJS build cannot find its own loader when required from here.
  const { tsImport } = await import('tsx/esm/api');
  const entry = await tsImport('./entry.ts', __filename);
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  try {
    const generated = await entry.generateStack({
      serviceDir: path.resolve(__dirname, '..'),
      service,
      stage,
    });
    const warnings = entry.formatSubscriberWarnings(generated.subscriberProblems);
    if (warnings && process.env.DOCDB_BACKUP_GUARDED !== 'true') process.stderr.write(`\n${warnings}\n\n`);
    const refusal = command() === 'deploy' ? entry.deployRefusal(generated.subscriberProblems) : undefined;
    if (refusal) throw new entry.DeployConfigError(refusal);
    return generated;
  } catch (error) {
    if (error && ACTIONABLE.has(error.name)) error.stack = `${error.name}:\n${error.message}`;
    throw error;
  }
}

function stack(context) {
  pending ??= generate(context).catch((error) => {
    // A variable this depends on may not be resolved yet (osls then calls again): never cache a failure.
    pending = undefined;
    throw error;
  });
  return pending;
}

module.exports = {
  resources: async (context) => (await stack(context)).resources,
  roles: async (context) => (await stack(context)).roles,
  metricsNamespace: async (context) => (await stack(context)).metricsNamespace,
  policiesFile: async (context) => (await stack(context)).policiesFile,
  compiledPoliciesFile: async (context) => (await stack(context)).compiledPoliciesFile,
};
