/**
 * The page ledger in the results table: one claim item per paged slot (codec.ts: pk `alert#<policy>`,
 * sk `<scheduledAt>`), so that no slot pages twice and none loses its page. `state` is `pending` (with
 * `token`, `leaseUntil` and the claim's `rank`) or `idle`; `sentRank` is the highest severity sent for the
 * slot (1 warning, 2 error, 3 critical). Markers written before claims had a state (`alertedAt`) count as sent.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Alert, AlertClaim, AlertLedger, HeldAlertClaim } from '../../backup/ports.js';
import type { CallDeclarations } from '../permissions.js';
import { alertKey } from './codec.js';
import { TableWriter } from './writer.js';

/** A page of a higher severity may follow one already sent for the slot (a retry found worse). */
const SEVERITY_RANK: Record<Alert['severity'], number> = { warning: 1, error: 2, critical: 3 };

const UPDATE_CLAIM = {
  command: UpdateItemCommand,
  actions: ['dynamodb:UpdateItem'],
  resources: ['results-table'],
} as const;

/** The AWS calls of `DynamoAlertLedger`, per method (shared/aws/permissions.ts). */
export const ALERT_LEDGER_CALLS = {
  claimAlert: [
    { ...UPDATE_CLAIM, why: 'claim the page of a slot (conditional update)' },
    {
      command: GetItemCommand,
      actions: ['dynamodb:GetItem'],
      resources: ['results-table'],
      why: 'tell a sent page from one another run is sending',
    },
  ],
  confirmAlert: { ...UPDATE_CLAIM, why: 'confirm a page SNS accepted (conditional update)' },
  releaseAlert: { ...UPDATE_CLAIM, why: 'release a claim whose page was not sent (conditional update)' },
} as const satisfies CallDeclarations;

export class DynamoAlertLedger extends TableWriter implements AlertLedger {
  async claimAlert(
    policy: string,
    scheduledAt: string,
    leaseUntil: number,
    options: { severity?: Alert['severity']; signal?: AbortSignal } = {},
  ): Promise<AlertClaim> {
    const rank = SEVERITY_RANK[options.severity ?? 'warning'];
    for (let attempt = 0; ; attempt++) {
      const claimed = await this.tryClaim(policy, scheduledAt, leaseUntil, rank, options.signal);
      if (claimed) return claimed;
      const item = (
        await this.client.send(
          new GetItemCommand({
            TableName: this.table,
            Key: alertKey(policy, scheduledAt),
            ConsistentRead: true,
          }),
          { abortSignal: options.signal },
        )
      ).Item;
      // Markers written before claims had a state, and pages of this severity or higher, count as sent.
      if (item?.alertedAt || Number(item?.sentRank?.N ?? 0) >= rank) return { state: 'sent' };
      const until = Number(item?.leaseUntil?.N ?? 0);
      if (item?.state?.S === 'pending' && until >= this.options.clock.now())
        return { state: 'in-progress', until };
      // Released or expired between the two calls: claim again once; after that the caller pages anyway.
      if (attempt > 0) throw new Error(`the alert claim of ${policy} ${scheduledAt} keeps changing`);
    }
  }

  /** The conditional write of a claim; undefined when the condition failed. */
  private async tryClaim(
    policy: string,
    scheduledAt: string,
    leaseUntil: number,
    rank: number,
    signal?: AbortSignal,
  ): Promise<AlertClaim | undefined> {
    const now = this.options.clock.now();
    const token = randomUUID();
    const claimed = await this.conditional(
      new UpdateItemCommand({
        TableName: this.table,
        Key: alertKey(policy, scheduledAt),
        UpdateExpression:
          'SET #state = :pending, #token = :token, leaseUntil = :until, #rank = :rank, claimedAt = :at, expiresAt = :expires',
        // Free; or nothing this severe sent yet and nobody holding it (a holder past its lease crashed).
        ConditionExpression:
          'attribute_not_exists(pk) OR (attribute_not_exists(alertedAt) AND ' +
          '(attribute_not_exists(sentRank) OR sentRank < :rank) AND (#state <> :pending OR leaseUntil < :now))',
        ExpressionAttributeNames: { '#state': 'state', '#token': 'token', '#rank': 'rank' },
        ExpressionAttributeValues: {
          ':pending': { S: 'pending' },
          ':token': { S: token },
          ':until': { N: String(leaseUntil) },
          ':rank': { N: String(rank) },
          ':now': { N: String(now) },
          ':at': { S: new Date(now).toISOString() },
          ':expires': { N: String(Math.floor((now + this.keepMs) / 1000)) },
        },
      }),
      signal,
    );
    return claimed ? { state: 'claimed', policy, scheduledAt, token, rank, leaseUntil } : undefined;
  }

  async confirmAlert(claim: HeldAlertClaim, signal?: AbortSignal): Promise<void> {
    // A page went out: recorded whoever holds the claim now (never lowering a higher page's rank)…
    // A failed condition means someone else's state stands, which is fine.
    await this.conditional(
      new UpdateItemCommand({
        TableName: this.table,
        Key: alertKey(claim.policy, claim.scheduledAt),
        UpdateExpression: 'SET sentRank = :rank, sentAt = :at',
        ConditionExpression: 'attribute_not_exists(sentRank) OR sentRank < :rank',
        ExpressionAttributeValues: {
          ':rank': { N: String(claim.rank) },
          ':at': { S: new Date(this.options.clock.now()).toISOString() },
        },
      }),
      signal,
    );
    // …and the claim is given up only if it is still this run's.
    await this.releaseAlert(claim, signal);
  }

  async releaseAlert(claim: HeldAlertClaim, signal?: AbortSignal): Promise<void> {
    // A failed condition means someone else's state stands, which is fine.
    await this.conditional(
      new UpdateItemCommand({
        TableName: this.table,
        Key: alertKey(claim.policy, claim.scheduledAt),
        UpdateExpression: 'SET #state = :idle REMOVE leaseUntil, #token',
        ConditionExpression: '#token = :token AND #state = :pending',
        ExpressionAttributeNames: { '#state': 'state', '#token': 'token' },
        ExpressionAttributeValues: {
          ':token': { S: claim.token },
          ':pending': { S: 'pending' },
          ':idle': { S: 'idle' },
        },
      }),
      signal,
    );
  }
}
