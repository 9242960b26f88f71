/**
 * The backup function's input: `{ "policy": "<name>", "time": "<ISO-8601>" }` as the generated rules and
 * EventBridge Scheduler schedules send it (Scheduler fills `time` from `<aws.scheduler.scheduled-time>`), or
 * a raw "Scheduled Event" envelope: EventBridge's (`source: aws.events`, the rule's ARN in `resources`) or
 * the one EventBridge Scheduler sends when a schedule has no input (`source: aws.scheduler`, the schedule's
 * ARN `…:schedule/<group>/<name>` in `resources`, `detail` the text "{}"). Time from `time`, policy from the
 * rule's or schedule's name.
 */
import { slotOf } from '../../shared/planning/naming.js';
import { parseInstant, slotProblem } from '../../shared/planning/slot.js';

export interface BackupRequest {
  policy: string;
  slot: Date;
}

/** The event cannot start a run: says what was received and what was expected. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

const EXPECTED =
  'expected {"policy": "<name>", "time": "<ISO-8601 scheduled time>"} or a Scheduled Event of an EventBridge rule or schedule';
/** Echoed input is cut to this many characters: an event can be of any size. */
const MAX_ECHO = 80;

/** A value as JSON, cut to MAX_ECHO characters, for an error message. */
function echo(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= MAX_ECHO ? text : `${text.slice(0, MAX_ECHO)}… (${text.length} characters)`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseTime(value: unknown, now: Date): Date {
  const time = typeof value === 'string' ? parseInstant(value) : undefined;
  if (!time) {
    throw new InvalidEventError(
      `"time" must be an ISO-8601 time with a zone such as "2026-11-28T03:00:00Z", on a real calendar day, found ${echo(value)}`,
    );
  }
  const slot = slotOf(time);
  const problem = slotProblem(slot, now);
  if (problem) throw new InvalidEventError(`"time": ${problem}`);
  return slot;
}

/**
 * The policy a scheduled rule or schedule runs, from its ARN. Generated rules and schedules are named
 * `<stack>.<policy>`; for other names the longest known policy name the name ends with (after `-` or `.`)
 * is taken.
 * @example policyFromRule('arn:aws:events:us-east-1:123456789012:rule/docdb-backup-prod.nightly', ['nightly']) // 'nightly'
 * @example policyFromRule('arn:aws:scheduler:us-east-1:123456789012:schedule/docdb-backup-prod/docdb-backup-prod.nightly', ['nightly']) // 'nightly'
 */
export function policyFromRule(ruleArn: string, known: readonly string[]): string | undefined {
  const name = ruleArn.slice(ruleArn.lastIndexOf('/') + 1);
  const dotted = name.slice(name.lastIndexOf('.') + 1);
  if (name.includes('.') && known.includes(dotted)) return dotted;
  return [...known]
    .sort((a, b) => b.length - a.length)
    .find((policy) => name === policy || name.endsWith(`-${policy}`) || name.endsWith(`.${policy}`));
}

function checkKnown(policy: string, known: readonly string[]): string {
  if (!known.includes(policy)) {
    throw new InvalidEventError(
      `unknown policy ${echo(policy)}; the policy file defines: ${known.join(', ') || '(none)'}`,
    );
  }
  return policy;
}

/**
 * Reads the function's event into a policy name and a scheduled slot. Throws InvalidEventError, before any
 * AWS call, for a malformed event, an impossible time, or a slot more than 5 minutes ahead of `now`.
 * @example parseBackupEvent({ policy: 'nightly', time: '2026-11-28T03:00:00Z' }, ['nightly'], new Date())
 */
export function parseBackupEvent(event: unknown, known: readonly string[], now: Date): BackupRequest {
  if (!isRecord(event)) throw new InvalidEventError(`the event is not an object; ${EXPECTED}`);
  if (event['detail-type'] === 'Scheduled Event') {
    const resources = Array.isArray(event.resources) ? event.resources : [];
    const origin = resources.find(
      (r): r is string => typeof r === 'string' && (r.includes(':rule/') || r.includes(':schedule/')),
    );
    if (!origin)
      throw new InvalidEventError(
        'the Scheduled Event names no rule or schedule in "resources", so its policy is unknown',
      );
    const policy = policyFromRule(origin, known);
    const kind = origin.includes(':schedule/') ? 'schedule' : 'rule';
    if (!policy)
      throw new InvalidEventError(
        `the ${kind} ${echo(origin)} does not name a known policy (${known.join(', ')})`,
      );
    return { policy, slot: parseTime(event.time, now) };
  }
  if (typeof event.policy !== 'string' || event.policy === '') {
    throw new InvalidEventError(`"policy" is missing or not a string; ${EXPECTED}`);
  }
  return { policy: checkKnown(event.policy, known), slot: parseTime(event.time, now) };
}
