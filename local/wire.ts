/** HTTP plumbing shared by the protocols: request bodies, signing scopes, and answers in each format. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsApiError } from './errors.js';
import { queryErrorResponse } from './xml.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The credential scope of a SigV4 request: `Credential=AKID/20261128/us-east-1/rds/aws4_request`. */
export interface SigningScope {
  accessKeyId: string;
  region: string;
  service: string;
}

/** Reads the scope from the Authorization header (or a presigned URL's X-Amz-Credential); not verified. */
export function signingScope(req: IncomingMessage, url: URL): SigningScope | undefined {
  const credential =
    /Credential=([^,\s]+)/.exec(req.headers.authorization ?? '')?.[1] ??
    url.searchParams.get('X-Amz-Credential');
  const [accessKeyId, , region, service] = credential?.split('/') ?? [];
  if (!accessKeyId || !region || !service) return undefined;
  return { accessKeyId, region, service };
}

/** The whole request body as UTF-8; 413 past 16 MiB. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AwsApiError('RequestEntityTooLarge', 'Request body too large', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  requestId: string,
  extra = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    ...extra,
  });
  res.end(body);
}

export function sendXml(res: ServerResponse, status: number, body: string, requestId: string): void {
  send(res, status, 'text/xml', body, requestId);
}

export function sendQueryError(
  res: ServerResponse,
  error: AwsApiError,
  namespace: string,
  requestId: string,
): void {
  sendXml(res, error.status, queryErrorResponse(error, namespace, requestId), requestId);
}

/** JSON 1.0 (DynamoDB) or 1.1 (EventBridge). */
export type JsonVersion = '1.0' | '1.1';

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  version: JsonVersion,
  requestId: string,
): void {
  send(res, status, `application/x-amz-json-${version}`, JSON.stringify(value), requestId);
}

/** A JSON protocol error: `{"__type": "ValidationException", "message": "…"}`. */
export function sendJsonError(
  res: ServerResponse,
  error: AwsApiError,
  version: JsonVersion,
  requestId: string,
  typePrefix = '',
): void {
  const body = JSON.stringify({ __type: `${typePrefix}${error.code}`, message: error.message });
  send(res, error.status, `application/x-amz-json-${version}`, body, requestId, {
    'x-amzn-errortype': error.code,
  });
}

/** Plain JSON for the control endpoints. */
export function sendControl(res: ServerResponse, status: number, value: unknown): void {
  const body = `${JSON.stringify(value, null, 2)}\n`;
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The error answered for an injected fault, in the words of the protocol's services. */
export function injectedError(
  fault: { kind: 'throttle' } | { kind: 'server-error'; status: 500 | 503 },
  service: 'rds' | 'sns' | 'events' | 'dynamodb' | 'sts' | 'kms',
): AwsApiError {
  if (fault.kind === 'throttle') {
    if (service === 'dynamodb')
      return new AwsApiError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.', 400);
    if (service === 'events' || service === 'kms')
      return new AwsApiError('ThrottlingException', 'Rate exceeded', 400);
    // Query services (RDS/DocumentDB, SNS) answer HTTP 400 with `<ErrorResponse><Error><Type>Sender</Type>
    // <Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>…</RequestId></ErrorResponse>`:
    // the AWS CLI prints "An error occurred (Throttling) when calling the DescribeDBInstances operation
    // (reached max retries: 2): Rate exceeded" (github.com/aws/aws-cli/issues/8604, boto/boto3#860); the
    // RDS guide's "(ThrottlingException)" example is botocore's wording, not the wire code. SDK v3 names the
    // error after the code: `error.name === 'Throttling'`, which its retry strategy treats as throttling.
    return new AwsApiError('Throttling', 'Rate exceeded', 400);
  }
  if (service === 'kms' && fault.status === 500)
    return new AwsApiError(
      'KMSInternalException',
      'We encountered an internal error. Please try again.',
      500,
    );
  if (fault.status === 503) {
    return new AwsApiError('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503);
  }
  if (service === 'dynamodb') return new AwsApiError('InternalServerError', 'Internal server error', 500);
  return new AwsApiError('InternalFailure', 'We encountered an internal error. Please try again.', 500);
}
