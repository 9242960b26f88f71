/**
 * Reading generated CloudFormation in tests: `Fn::Sub` ARNs become the ARNs of a sample account, so
 * expectations read as real ARNs (`arn:aws:rds:us-east-1:123456789012:cluster:*`).
 */

/** The pseudo parameters of the sample account. */
export const SAMPLE = { partition: 'aws', accountId: '123456789012', region: 'us-east-1' } as const;

/** Replaces `${AWS::Partition}`, `${AWS::AccountId}` and `${AWS::Region}` with the sample account's values. */
export function expand(text: string): string {
  return text
    .replaceAll('$' + '{AWS::Partition}', SAMPLE.partition)
    .replaceAll('$' + '{AWS::AccountId}', SAMPLE.accountId)
    .replaceAll('$' + '{AWS::Region}', SAMPLE.region);
}

/**
 * The text of a resource value: plain strings as they are, `Fn::Sub` expanded, other intrinsics as JSON.
 * @example arnText({ 'Fn::Sub': 'arn:${AWS::Partition}:sns:…' }) // 'arn:aws:sns:…'
 */
export function arnText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'Fn::Sub' in value)
    return expand(String(value['Fn::Sub']));
  return JSON.stringify(value);
}
