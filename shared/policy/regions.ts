/**
 * AWS Region codes a policy may name: the commercial partition, AWS GovCloud (US) and China. Taken from
 * the partition data shipped with the AWS SDK for JavaScript v3 (`@aws-sdk/core` util-endpoints); update it
 * when AWS opens a Region. Not every Region offers DocumentDB: that is found out at run time.
 */
import { closest } from './text.js';

export const KNOWN_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'sa-west-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
] as const;

/** One of `KNOWN_REGIONS`, e.g. `'eu-west-1'`. */
export type RegionCode = (typeof KNOWN_REGIONS)[number];

/**
 * Whether `code` is a known AWS Region code (exact, lowercase).
 * Example: `isKnownRegion('us-east-1')` → `true`; `isKnownRegion('us-east')` → `false`
 */
export function isKnownRegion(code: string): code is RegionCode {
  return (KNOWN_REGIONS as readonly string[]).includes(code);
}

/**
 * The known Region closest to a mistyped code, if any is close.
 * Example: `suggestRegion('eu-west1')` → `'eu-west-1'`
 */
export function suggestRegion(code: string): RegionCode | undefined {
  return closest(code, KNOWN_REGIONS) as RegionCode | undefined;
}
