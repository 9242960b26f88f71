// Seam: failure descriptions (shared/backup/failures.ts): what reaches logs and pages never carries
// endpoints, addresses or credentials, and every AWS fault gets a code on-call can act on.
import { describe, expect, it } from 'vitest';
import { ClusterBusyError, SnapshotQuotaExceededError } from '../../../shared/backup/errors.js';
import { describeFailure, redact } from '../../../shared/backup/failures.js';

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

describe('failure descriptions', () => {
  it.each([
    ['getaddrinfo ENOTFOUND rds.us-east-1.amazonaws.com', 'getaddrinfo ENOTFOUND <address>'],
    ['connect ECONNREFUSED 127.0.0.1:4566', 'connect ECONNREFUSED <address>'],
    ['request to https://rds.eu-west-1.amazonaws.com/?Action=x failed', 'request to <url> failed'],
    ['key AKIAIOSFODNN7EXAMPLE was rejected', 'key <access-key> was rejected'],
    ['X-Amz-Security-Token=FwoGZXIvYXdzEBYaD secret', 'X-Amz-Security-Token=<redacted> secret'],
  ])('redacts %s', (raw, expected) => {
    expect(redact(raw)).toBe(expected);
  });

  it.each([
    [new SnapshotQuotaExceededError('x'), 'quota-exceeded'],
    [new ClusterBusyError('x'), 'cluster-busy'],
    [awsError('ThrottlingException', 'Rate exceeded'), 'throttled'],
    [awsError('AccessDenied', 'not authorized'), 'access-denied'],
    [awsError('TimeoutError', 'timed out'), 'deadline'],
    [awsError('InternalFailure', 'oops'), 'aws-error'],
    ['a string', 'aws-error'],
  ])('classifies %s as %s', (error, code) => {
    expect(describeFailure(error).code).toBe(code);
  });
});

describe('failure messages echo error names safely', () => {
  it('caps an error name at 64 characters and redacts it like the message', () => {
    const failure = describeFailure(awsError(`Weird${'X'.repeat(500)}`, 'oops'));

    const [name] = failure.message.split(': ');
    expect(failure.code).toBe('aws-error');
    expect([...(name ?? '')]).toHaveLength(64);
    expect(name?.endsWith('…')).toBe(true);
    expect(describeFailure(awsError('token=abc\u001b[2J', 'oops')).message).toBe('token=<redacted>: oops');
  });

  it('still classifies by the real name', () => {
    expect(describeFailure(awsError('ThrottlingException', 'x')).message).toBe(
      'throttled by AWS after retries (ThrottlingException)',
    );
  });
});
