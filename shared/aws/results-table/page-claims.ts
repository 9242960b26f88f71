/**
 * A followed job's page claim, the same for backup jobs and copy jobs: claimed (conditional, with a
 * lease) before the page is sent, confirmed once SNS took it (the job leaves the open-jobs index), released
 * when it could not be sent. Only the holder of the token confirms or releases. These build the requests;
 * each store sends them (and declares the call).
 */
import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from './codec.js';

/** The claim of a failed job's page until `leaseUntil`, unless paged or held by a live claim. */
export function claimPageRequest(
  table: string,
  key: Item,
  token: string,
  leaseUntil: number,
  now: number,
): UpdateItemCommandInput {
  return {
    TableName: table,
    Key: key,
    UpdateExpression: 'SET pageToken = :token, pageLeaseUntil = :until',
    // Failed, not paged yet (still followed), and nobody holding it (a holder past its lease crashed).
    ConditionExpression:
      '#state = :failed AND attribute_exists(openPolicy) AND ' +
      '(attribute_not_exists(pageToken) OR pageLeaseUntil < :now)',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: {
      ':failed': { S: 'failed' },
      ':token': { S: token },
      ':until': { N: String(leaseUntil) },
      ':now': { N: String(now) },
    },
  };
}

/** The page went out: the job is no longer followed. */
export function confirmPageRequest(
  table: string,
  key: Item,
  token: string,
  now: number,
): UpdateItemCommandInput {
  return {
    TableName: table,
    Key: key,
    UpdateExpression: 'SET pagedAt = :at REMOVE openPolicy, openSk, pageToken, pageLeaseUntil',
    ConditionExpression: 'pageToken = :token',
    ExpressionAttributeValues: { ':token': { S: token }, ':at': { S: new Date(now).toISOString() } },
  };
}

/** The page could not be sent: the next pass pages it. */
export function releasePageRequest(table: string, key: Item, token: string): UpdateItemCommandInput {
  return {
    TableName: table,
    Key: key,
    UpdateExpression: 'REMOVE pageToken, pageLeaseUntil',
    ConditionExpression: 'pageToken = :token',
    ExpressionAttributeValues: { ':token': { S: token } },
  };
}
