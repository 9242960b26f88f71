// Seam: cli/aws-errors.ts and cli/args.ts, pure: how an AWS failure becomes one line with its fix, how an
// answer is told to be AWS's, and which flag a typo meant.
import { describe, expect, it } from 'vitest';
import { suggestFlag } from '../../../cli/args.js';
import {
  AwsAccessError,
  describeFailure,
  explainAwsError,
  isAwsAnswer,
  NotAwsAnswerError,
} from '../../../cli/aws-errors.js';

/** An error as the SDK or Node throws it: a name, and fields such as `code` or `$metadata`. */
function sdkError(name: string, fields: Record<string, unknown> = {}, message = 'raw message'): Error {
  return Object.assign(new Error(message), { name, ...fields });
}

const LOCAL = { endpoint: 'http://127.0.0.1:4566', region: 'us-east-1' };

describe('explainAwsError', () => {
  it('says nothing answers at the endpoint for a refused connection, with the fix', () => {
    const refused = sdkError('Error', { code: 'ECONNREFUSED' });

    const explained = explainAwsError(refused, LOCAL);

    expect(explained?.kind).toBe('unreachable');
    expect(explained?.fatal).toBe(true);
    expect(explained?.message).toBe(
      'nothing answers at http://127.0.0.1:4566: check AWS_ENDPOINT_URL or start `npm run local` (and export what it prints)',
    );
  });

  it('finds the cause of a wrapped failure', () => {
    const wrapped = new Error('listing DocumentDB clusters failed', {
      cause: sdkError('Error', { code: 'ECONNREFUSED' }),
    });

    expect(explainAwsError(wrapped, LOCAL)?.kind).toBe('unreachable');
  });

  it('says a web server that answers HTML does not answer like AWS', () => {
    const html = new NotAwsAnswerError('http://127.0.0.1:4566', 200, 'text/html');
    const unparsable = sdkError('SyntaxError', {
      $response: { statusCode: 404 },
      $metadata: { httpStatusCode: 404 },
    });

    expect(explainAwsError(html, LOCAL)?.message).toBe(
      'http://127.0.0.1:4566 does not answer like AWS (HTTP 200, text/html): check AWS_ENDPOINT_URL or start `npm run local` (and export what it prints)',
    );
    expect(explainAwsError(unparsable, LOCAL)?.message).toMatch(
      /^http:\/\/127\.0\.0\.1:4566 does not answer like AWS \(an answer the SDK could not read \(HTTP 404\)\): /,
    );
  });

  it('names refused credentials, denied access, throttling and an unknown Region, each with what to do', () => {
    const cases = [
      [sdkError('UnrecognizedClientException'), 'credentials', /^AWS refused the credentials .*renew them/],
      [sdkError('CredentialsProviderError'), 'credentials', /^no usable AWS credentials: set AWS_PROFILE/],
      [sdkError('AccessDeniedException'), 'access-denied', /^AWS denied the call .*cli\/README\.md/],
      [sdkError('ThrottlingException'), 'throttled', /^AWS throttled the calls .*wait a minute/],
      [
        sdkError('Error', { code: 'ENOTFOUND', hostname: 'rds.xx-nowhere-7.amazonaws.com' }),
        'unknown-region',
        /^unknown Region "xx-nowhere-7"\? rds\.xx-nowhere-7\.amazonaws\.com does not resolve: check AWS_REGION/,
      ],
    ] as const;

    for (const [error, kind, message] of cases) {
      const explained = explainAwsError(error, {});
      expect(explained?.kind, error.name).toBe(kind);
      expect(explained?.message).toMatch(message);
      expect(explained?.message).not.toContain('\n');
    }
    expect(explainAwsError(sdkError('AccessDeniedException'), {})?.fatal).toBe(false);
  });

  it('leaves other errors alone, and describes them as Name: message', () => {
    expect(explainAwsError(new TypeError('x is undefined'), LOCAL)).toBeUndefined();
    expect(describeFailure(new TypeError('x is undefined'), LOCAL)).toBe('TypeError: x is undefined');
    expect(describeFailure(new AwsAccessError('throttled', 'slow down'), LOCAL)).toBe('slow down');
  });
});

describe('isAwsAnswer', () => {
  it('takes an answer with an AWS request id, in any letter case, and refuses one without', () => {
    expect(isAwsAnswer({ statusCode: 200, headers: { 'x-amzn-RequestId': 'abc' } })).toBe(true);
    expect(isAwsAnswer({ statusCode: 400, headers: { 'x-amz-request-id': 'abc' } })).toBe(true);
    expect(isAwsAnswer({ statusCode: 200, headers: { 'content-type': 'text/html' } })).toBe(false);
  });
});

describe('suggestFlag', () => {
  it('suggests the flag a typo meant, and nothing for a flag far from any', () => {
    const options = {
      policy: { type: 'string' },
      file: { type: 'string' },
      json: { type: 'boolean' },
    } as const;

    expect(suggestFlag('--polciy', options)).toBe('--policy');
    expect(suggestFlag('--fiel=x', options)).toBe('--file');
    expect(suggestFlag('--verbose', options)).toBeUndefined();
    expect(suggestFlag('-x', options)).toBeUndefined();
  });
});
