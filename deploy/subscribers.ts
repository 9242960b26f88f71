/**
 * Who would be paged: the checks on config/deploy.yml's alert subscriptions that `docdb-backup validate`,
 * `npm run package` and `npm run deploy` share. Pure: settings in, problems out.
 *
 * - No e-mail or HTTPS subscriber for a stage: every alarm and page goes to a topic nobody reads. A
 *   warning for validate and package; deploy refuses it unless the stage opts in (`alerts.allowNone: true`)
 *   or the deployer passes `--allow-no-subscribers`.
 * - A plain `https://` endpoint is written into the CloudFormation template (and the packaged
 *   `.serverless/` files, the deployment bucket, the stack's console view): a PagerDuty or Opsgenie URL
 *   carries its integration key. A warning that points at dynamic references instead.
 *
 * HTTPS endpoints may be CloudFormation dynamic references, resolved by CloudFormation when it creates the
 * subscription and never written into the template: `{{resolve:ssm:/path}}` (a String parameter, optionally
 * `:version`) or `{{resolve:secretsmanager:secret-id[:SecretString[:json-key[:version-stage[:version-id]]]]}}`.
 * `ssm-secure` is refused: CloudFormation resolves it only in a short list of resource properties, and an
 * SNS subscription's `Endpoint` is not one of them.
 */
import type { DeploySettings } from './settings.js';

/** A parsed dynamic reference to an HTTPS endpoint stored outside the template. */
export type EndpointReference =
  | { service: 'ssm'; parameter: string; version?: number }
  | {
      service: 'secretsmanager';
      secretId: string;
      jsonKey?: string;
      versionStage?: string;
      versionId?: string;
    };

const SSM_PARAMETER = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const REFERENCE = /^\{\{resolve:([a-z0-9-]+):(.*)\}\}$/s;

/** What a dynamic reference in `alerts.https` must look like, for error messages. */
export const REFERENCE_FORMS =
  '{{resolve:ssm:/parameter/name}} or {{resolve:secretsmanager:secret-name-or-arn:SecretString:json-key}}';

/**
 * Whether a configured endpoint is meant as a dynamic reference (it mentions `{{resolve:`), valid or not.
 * @example isDynamicReference('{{resolve:ssm:/pagerduty/url}}') // true
 */
export function isDynamicReference(text: string): boolean {
  return text.includes('{{resolve:');
}

/**
 * Parses a dynamic reference to an endpoint; the error says what is wrong and what was expected.
 * @example parseEndpointReference('{{resolve:ssm:/docdb-backup/pagerduty-url}}') // { ok: true, reference: { service: 'ssm', parameter: '/docdb-backup/pagerduty-url' } }
 */
export function parseEndpointReference(
  text: string,
): { ok: true; reference: EndpointReference } | { ok: false; error: string } {
  const fail = (why: string) => ({ ok: false as const, error: `${why}; expected ${REFERENCE_FORMS}` });
  const match = REFERENCE.exec(text.trim() === text ? text : '');
  if (!match) return fail('a dynamic reference must be the whole value, "{{resolve:<service>:<key>}}"');
  const [, service, rest = ''] = match;
  if (service === 'ssm-secure') {
    return {
      ok: false,
      error:
        'CloudFormation resolves {{resolve:ssm-secure:…}} only in a few resource properties, not in an SNS ' +
        'subscription’s Endpoint: keep the URL in Secrets Manager ({{resolve:secretsmanager:…}}) or in a ' +
        'String parameter ({{resolve:ssm:…}})',
    };
  }
  if (service === 'ssm') {
    const [, parameter = '', version] = /^(.*?)(?::(\d+))?$/.exec(rest) ?? [];
    if (!SSM_PARAMETER.test(parameter) || parameter.length > 2048)
      return fail(`"${parameter}" is not an SSM parameter name (letters, digits, _ . - and /)`);
    return {
      ok: true,
      reference: { service: 'ssm', parameter, ...(version ? { version: Number(version) } : {}) },
    };
  }
  if (service === 'secretsmanager') {
    const parts = rest.split(':');
    // A secret ARN has seven colon-separated parts of its own.
    const idParts = parts[0] === 'arn' ? 7 : 1;
    const secretId = parts.slice(0, idParts).join(':');
    const [secretString, jsonKey, versionStage, versionId, ...extra] = parts.slice(idParts);
    if (!(idParts === 7 ? SECRET_ARN : SECRET_NAME).test(secretId))
      return fail(`"${secretId}" is not a secret name or secret ARN`);
    if (extra.length > 0) return fail('too many ":"-separated parts after the secret id');
    if (secretString !== undefined && secretString !== '' && secretString !== 'SecretString')
      return fail(`the part after the secret id must be "SecretString", found "${secretString}"`);
    if (versionStage && versionId) return fail('give a version stage or a version id, not both');
    return {
      ok: true,
      reference: {
        service: 'secretsmanager',
        secretId,
        ...(jsonKey ? { jsonKey } : {}),
        ...(versionStage ? { versionStage } : {}),
        ...(versionId ? { versionId } : {}),
      },
    };
  }
  return fail(`"${service}" is not a dynamic reference CloudFormation resolves here`);
}

/** One finding about a stage's subscriptions. */
export interface SubscriberProblem {
  /**
   * `no-subscribers`: nobody would be paged (deploy refuses it unless `allowed`); `endpoint-in-template`:
   * a plain https URL is written into the template (a warning).
   */
  kind: 'no-subscribers' | 'endpoint-in-template';
  /** The stage, or `*` for the top-level `alerts` that stages without their own use. */
  stage: string;
  /** The settings key the finding is about, e.g. `stages.prod.alerts` or `alerts.https[0]`. */
  path: string;
  /** What to do about it, one line. */
  message: string;
  /** `no-subscribers` only: the stage opted in with `allowNone: true`, so deploy goes ahead. */
  allowed?: boolean;
}

/** The `alerts` block a stage uses, and the settings path it lives at. */
function alertsOf(settings: DeploySettings, stage: string | undefined) {
  const own = stage === undefined ? undefined : settings.stages?.[stage]?.alerts;
  if (own) return { alerts: own, path: `stages.${stage}.alerts` };
  return { alerts: settings.alerts ?? {}, path: 'alerts' };
}

function problemsOf(settings: DeploySettings, stage: string | undefined): SubscriberProblem[] {
  const { alerts, path } = alertsOf(settings, stage);
  const named = stage ?? '*';
  const problems: SubscriberProblem[] = [];
  const email = alerts.email ?? [];
  const https = alerts.https ?? [];
  if (email.length === 0 && https.length === 0) {
    const who = stage === undefined ? 'stages without their own alerts' : `stage "${stage}"`;
    problems.push({
      kind: 'no-subscribers',
      stage: named,
      path,
      allowed: alerts.allowNone === true,
      message:
        `no one would be paged for ${who}: ${path} lists no email or https subscriber, so alarms and pages ` +
        'reach an SNS topic nobody reads. Add one to config/deploy.yml' +
        (alerts.allowNone === true
          ? ' (allowNone: true accepts this)'
          : `, or set ${path}.allowNone: true (or pass --allow-no-subscribers) to deploy anyway`),
    });
  }
  https.forEach((endpoint, i) => {
    if (isDynamicReference(endpoint)) return;
    problems.push({
      kind: 'endpoint-in-template',
      stage: named,
      path: `${path}.https[${i}]`,
      message:
        `${path}.https[${i}] is written into the CloudFormation template in plain text; if the URL carries ` +
        `a key (PagerDuty, Opsgenie), store it in SSM or Secrets Manager and write ${REFERENCE_FORMS} instead`,
    });
  });
  return problems;
}

/**
 * What is wrong with who would be paged. With a stage: that stage's subscriptions (its own, else the
 * top-level ones). Without: the top-level subscriptions and every stage listed under `stages`, each once.
 * Pure; `docdb-backup validate` prints these, `npm run package` warns, `npm run deploy` refuses a
 * `no-subscribers` problem that is not `allowed` (unless `--allow-no-subscribers`).
 * @example subscriberProblems({ version: 1 }, 'prod') // [{ kind: 'no-subscribers', stage: 'prod', path: 'alerts', allowed: false, message: 'no one would be paged for stage "prod": …' }]
 */
export function subscriberProblems(settings: DeploySettings, stage?: string): SubscriberProblem[] {
  if (stage !== undefined) return problemsOf(settings, stage);
  const stages = Object.entries(settings.stages ?? {})
    .filter(([, value]) => value.alerts !== undefined)
    .map(([name]) => name);
  return [undefined, ...stages].flatMap((name) => problemsOf(settings, name));
}

/**
 * The problems that stop a deploy: nobody paged, no opt-in in the settings and none on the command line.
 * @example blockingProblems(subscriberProblems(settings, 'prod'), { allowNoSubscribers: false }).length // 1 without subscribers
 */
export function blockingProblems(
  problems: readonly SubscriberProblem[],
  options: { allowNoSubscribers: boolean },
): SubscriberProblem[] {
  if (options.allowNoSubscribers) return [];
  return problems.filter((problem) => problem.kind === 'no-subscribers' && !problem.allowed);
}

/**
 * The warning block printed by package and deploy: loud on purpose, one line per problem.
 * @example formatSubscriberWarnings(problems) // '\n!!! docdb-backup: NO ONE WOULD BE PAGED …'
 */
export function formatSubscriberWarnings(problems: readonly SubscriberProblem[]): string {
  if (problems.length === 0) return '';
  const nobody = problems.some((problem) => problem.kind === 'no-subscribers');
  const title = nobody
    ? 'docdb-backup: NO ONE WOULD BE PAGED — alarms and pages would reach nobody'
    : 'docdb-backup: alert subscription warnings';
  const rule = '!'.repeat(Math.min(100, title.length + 8));
  return [rule, `!!! ${title}`, ...problems.map((p) => `!!! - ${p.message}`), rule].join('\n');
}
