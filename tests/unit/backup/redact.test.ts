// Seam: redaction (shared/backup/redact.ts), the one filter between an error's text and what logs, result
// records and pages show: no credentials, addresses or endpoints, no control characters, nothing long.
import { describe, expect, it } from 'vitest';
import { MAX_REDACTED_LENGTH, printable, redact } from '../../../shared/backup/redact.js';

describe('redaction of secrets', () => {
  it.each([
    [
      '{"SecretAccessKey":"abc","Region":"us-east-1"}',
      '{"SecretAccessKey":"<redacted>","Region":"us-east-1"}',
    ],
    ['{"sessionToken": "FwoGZXIvYXdz+/=EBYaD", "ok": 1}', '{"sessionToken": "<redacted>", "ok": 1}'],
    ["{'password': 'hunter2', 'user': 'bob'}", "{'password': '<redacted>', 'user': 'bob'}"],
    ['{"password":"with \\"escaped\\" quotes","next":1}', '{"password":"<redacted>","next":1}'],
    ['X-Amz-Security-Token=FwoGZXIvYXdzEBYaD secret', 'X-Amz-Security-Token=<redacted> secret'],
    [
      'Credential=AKIDEXAMPLE/20261128/us-east-1, Signature=abcdef0123',
      'Credential=<redacted>, Signature=<redacted>',
    ],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', 'Authorization: <redacted> <redacted>'],
    ['key AKIAIOSFODNN7EXAMPLE was rejected', 'key <access-key> was rejected'],
  ])('hides the secret in %s', (raw, expected) => {
    expect(redact(raw)).toBe(expected);
  });

  it.each([
    ['request to https://admin:s3cret@db.internal:27017/x failed', 'request to <url> failed'],
    ['auth failed for admin:s3cret@db.internal:27017', 'auth failed for <credentials>@<address>'],
    ['auth failed for admin:s3cret@10.0.0.5', 'auth failed for <credentials>@<address>'],
  ])('hides user and password in %s', (raw, expected) => {
    expect(redact(raw)).toBe(expected);
  });
});

describe('redaction of addresses', () => {
  it.each([
    ['connect ECONNREFUSED [2001:db8::1]:443', 'connect ECONNREFUSED <address>'],
    ['connect ECONNREFUSED [::1]', 'connect ECONNREFUSED <address>'],
    ['no route to fe80::1%eth0', 'no route to <address>'],
    ['connect ECONNREFUSED ::1', 'connect ECONNREFUSED <address>'],
    ['host 2001:0db8:0000:0000:0000:ff00:0042:8329 down', 'host <address> down'],
    ['mapped ::ffff:192.0.2.1 down', 'mapped <address> down'],
    ['connect ECONNREFUSED 127.0.0.1:4566', 'connect ECONNREFUSED <address>'],
    ['getaddrinfo ENOTFOUND rds.us-east-1.amazonaws.com', 'getaddrinfo ENOTFOUND <address>'],
  ])('hides the address in %s', (raw, expected) => {
    expect(redact(raw)).toBe(expected);
  });

  it('leaves times, ARNs and snapshot ids alone: on-call needs them', () => {
    const text =
      'at 2026-11-28T03:00:00Z snapshot arn:aws:rds:us-east-1:123456789012:cluster-snapshot:nightly-orders-20261128-0300 ' +
      'for role arn:aws:iam::123456789012:role/x (std::string)';

    expect(redact(text)).toBe(text);
  });
});

describe('redaction of control characters and length', () => {
  it('removes terminal escapes and control characters and keeps one line', () => {
    const raw =
      'red \u001b[31mALERT\u001b[0m\r\nforged line\u0000 end\u009b2J \u202eevil \u001b]0;title\u0007done';

    expect(redact(raw)).toBe('red ALERT forged line end evil done');
    expect(printable('tab\there')).toBe('tab here');
  });

  it('caps what it returns and marks the cut', () => {
    const redacted = redact('x'.repeat(10_000));

    expect([...redacted]).toHaveLength(MAX_REDACTED_LENGTH);
    expect(redacted.endsWith('…')).toBe(true);
    expect(redact('abcdef', 4)).toBe('abc…');
  });
});
