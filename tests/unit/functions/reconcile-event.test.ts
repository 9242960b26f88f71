// Seam: the reconcile function's event (functions/reconcile/event.ts): a pass takes {} or a Scheduled
// Event and refuses anything else before any AWS call, naming what it got.
import { describe, expect, it } from 'vitest';
import { checkReconcileEvent } from '../../../functions/reconcile/event.js';

describe('the reconcile event', () => {
  it('takes {} and a Scheduled Event of a rule or a schedule', () => {
    expect(() => checkReconcileEvent({})).not.toThrow();
    expect(() =>
      checkReconcileEvent({
        'detail-type': 'Scheduled Event',
        source: 'aws.scheduler',
        resources: ['arn:aws:scheduler:us-east-1:123456789012:schedule/default/docdb-backup-prod.reconcile'],
        detail: '{}',
      }),
    ).not.toThrow();
  });

  it.each([
    [null, /not an object/],
    [[], /not an object/],
    ['{}', /not an object/],
    [{ policy: 'nightly', time: '2026-11-28T03:00:00Z' }, /a backup event: send it to the backup function/],
    [{ hello: 'x'.repeat(500) }, /found \{"hello":"x+… \(\d+ characters\)/],
  ])('refuses %j', (event, message) => {
    expect(() => checkReconcileEvent(event)).toThrow(message);
  });
});
