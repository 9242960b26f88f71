/**
 * The reconcile function's input: `{}` (a manual invocation, the CLI's `reconcile`, the deploy's schedule
 * input) or a raw "Scheduled Event" envelope of an EventBridge rule or schedule. A pass needs nothing from
 * its event: anything else is refused, so a misrouted event (a backup event) is not taken for a pass.
 */

/** The event cannot start a pass: says what was received and what was expected. */
export class InvalidReconcileEventError extends Error {
  override readonly name = 'InvalidReconcileEventError';
}

const MAX_ECHO = 80;

function echo(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= MAX_ECHO ? text : `${text.slice(0, MAX_ECHO)}… (${text.length} characters)`;
}

/**
 * Checks the event of a pass. Throws InvalidReconcileEventError before any AWS call.
 * @example checkReconcileEvent({}) // ok
 * @example checkReconcileEvent({ policy: 'nightly', time: '…' }) // throws: that is a backup event
 */
export function checkReconcileEvent(event: unknown): void {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new InvalidReconcileEventError(
      `the event is not an object, found ${echo(event)}; expected {} or a Scheduled Event`,
    );
  const record = event as Record<string, unknown>;
  if (record['detail-type'] === 'Scheduled Event') return;
  if (Object.keys(record).length === 0) return;
  throw new InvalidReconcileEventError(
    `a reconcile pass takes {} or a Scheduled Event, found ${echo(event)}${'policy' in record ? ' (a backup event: send it to the backup function)' : ''}`,
  );
}
