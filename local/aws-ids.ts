/** ARNs and the deterministic made-up ids (resource ids, endpoints, KMS keys) the emulator answers with. */
import { createHash } from 'node:crypto';

/** Cluster ARN. Example: `clusterArn('us-east-1', '123456789012', 'orders')` → `arn:aws:rds:us-east-1:123456789012:cluster:orders` */
export function clusterArn(region: string, accountId: string, id: string): string {
  return `arn:aws:rds:${region}:${accountId}:cluster:${id}`;
}

/** Cluster snapshot ARN, e.g. `arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:orders-2026-11-28-03-00` */
export function clusterSnapshotArn(region: string, accountId: string, id: string): string {
  return `arn:aws:rds:${region}:${accountId}:cluster-snapshot:${id}`;
}

/** SNS topic ARN, e.g. `arn:aws:sns:us-east-1:123456789012:backup-alerts` */
export function topicArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sns:${region}:${accountId}:${name}`;
}

/** EventBridge bus ARN, e.g. `arn:aws:events:us-east-1:123456789012:event-bus/default` */
export function eventBusArn(region: string, accountId: string, name: string): string {
  return `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
}

/** The parts of an ARN; `resource` is everything after the fifth colon. */
export interface ParsedArn {
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** Splits an ARN, or returns undefined when `value` is not one. Example: `parseArn('arn:aws:sns:us-east-1:1:t')` */
export function parseArn(value: string): ParsedArn | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || !parts[1]?.startsWith('aws')) return undefined;
  const [, , service = '', region = '', accountId = ''] = parts;
  return { service, region, accountId, resource: parts.slice(5).join(':') };
}

/** A stable uppercase base-32 string of `length` characters derived from `parts`. */
export function stableId(length: number, ...parts: string[]): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let out = '';
  for (let i = 0; out.length < length; i++) {
    out += alphabet[(digest[i % digest.length] ?? 0) % 32];
  }
  return out;
}

/** A stable UUID-shaped lowercase hex string derived from `parts`. */
export function stableUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A made-up KMS key ARN, stable per account and Region. */
export function defaultKmsKeyArn(region: string, accountId: string): string {
  return `arn:aws:kms:${region}:${accountId}:key/${stableUuid('kms', accountId, region)}`;
}
