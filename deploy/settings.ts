/**
 * Deployment settings that are not policies (config/deploy.yml): who is subscribed to the alert topic,
 * per stage. Strict like the policy file: an unknown key is an error.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { isDynamicReference, parseEndpointReference } from './subscribers.js';
import type { AlertSubscriptions } from './template.js';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const HTTPS_URL = /^https:\/\/[^\s/?#]+[^\s]*$/;

const AlertsSchema = z
  .object({
    email: z
      .array(z.string().regex(EMAIL, 'expected an e-mail address such as oncall@example.com'))
      .optional()
      .describe('E-mail addresses subscribed to the alert topic; each must confirm the subscription.'),
    https: z
      .array(
        z.string().superRefine((value, context) => {
          if (isDynamicReference(value)) {
            const parsed = parseEndpointReference(value);
            if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.error });
          } else if (!HTTPS_URL.test(value)) {
            context.addIssue({
              code: 'custom',
              message: 'expected an https:// URL or a dynamic reference such as {{resolve:ssm:/path}}',
            });
          }
        }),
      )
      .optional()
      .describe(
        'HTTPS endpoints (PagerDuty, Opsgenie, a webhook) subscribed to the alert topic: an https:// URL ' +
          '(written into the template) or a CloudFormation dynamic reference ({{resolve:ssm:/path}}, ' +
          '{{resolve:secretsmanager:…}}) resolved at deploy time and never written into it.',
      ),
    allowNone: z
      .boolean()
      .optional()
      .describe('true: deploy even though no email or https subscriber would be paged.'),
  })
  .strict();

const StageSchema = z.object({ alerts: AlertsSchema.optional() }).strict();

export const DeploySettingsSchema = z
  .object({
    version: z.literal(1, { error: 'expected version 1' }),
    alerts: AlertsSchema.optional().describe('Subscriptions for every stage without its own.'),
    stages: z
      .record(z.string(), StageSchema)
      .optional()
      .describe('Per-stage settings; a stage listed here with `alerts` replaces the top-level `alerts`.'),
  })
  .strict();

export type DeploySettings = z.infer<typeof DeploySettingsSchema>;

/** config/deploy.yml is unusable: one line per problem, `file  key.path  message`. */
export class DeploySettingsError extends Error {
  override readonly name = 'DeploySettingsError';
}

/**
 * Parses the settings file's text. A missing file is the same as an empty one: no subscriptions.
 * @example parseDeploySettings('version: 1\nalerts:\n  email: [oncall@example.com]\n', 'config/deploy.yml')
 */
export function parseDeploySettings(text: string, file: string): DeploySettings {
  let data: unknown;
  try {
    data = parse(text) ?? { version: 1 };
  } catch (error) {
    throw new DeploySettingsError(`${file}  -  YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = DeploySettingsSchema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.join('.') || '-';
    let found = '';
    if (issue.path.length) {
      let value: unknown = data;
      for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
      if (value !== undefined) found = `, found ${JSON.stringify(value)}`;
    }
    return `${file}  ${path}  ${issue.message}${found}`;
  });
  throw new DeploySettingsError(lines.join('\n'));
}

/**
 * Reads the settings file; a file that does not exist means "no subscriptions".
 * @example await loadDeploySettings('config/deploy.yml')
 */
export async function loadDeploySettings(path: string): Promise<DeploySettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1 };
    throw new DeploySettingsError(`${path}  -  cannot read the file: ${(error as Error).message}`);
  }
  return parseDeploySettings(text, path);
}

/**
 * The alert subscriptions of a stage: its own `stages.<stage>.alerts` when set, else the top-level `alerts`.
 * @example alertsForStage({ version: 1, alerts: { email: ['a@example.com'] } }, 'prod') // { email: ['a@example.com'], https: [] }
 */
export function alertsForStage(settings: DeploySettings, stage: string): AlertSubscriptions {
  const alerts = settings.stages?.[stage]?.alerts ?? settings.alerts ?? {};
  return { email: [...(alerts.email ?? [])], https: [...(alerts.https ?? [])] };
}
