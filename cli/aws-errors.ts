/**
 * Every AWS failure the CLI meets, said in one line with its fix: nothing answering at the endpoint, an
 * answer that is not AWS's, credentials refused, access denied, throttling, an unknown Region. Errors are
 * matched by the SDK's `name`, Node's `code` and the HTTP answer, never by message text. Pure, except for
 * the SDK middleware that tells an AWS answer from any other web server's.
 */
import { clip } from '../shared/policy/text.js';
import { EXIT } from './errors.js';

/** What went wrong, from the operator's side of the wire. */
export type AwsProblemKind =
  | 'unreachable'
  | 'not-aws'
  | 'credentials'
  | 'access-denied'
  | 'throttled'
  | 'unknown-region';

/** Kinds that stop every call the same way: the command cannot run (exit 2). */
const FATAL: ReadonlySet<AwsProblemKind> = new Set([
  'unreachable',
  'not-aws',
  'credentials',
  'unknown-region',
]);

/**
 * An AWS failure explained: `message` is one line that ends with what to do. Exit code 2 (the command
 * could not run); no help hint (the flags were fine).
 * Example: `throw new AwsAccessError('unreachable', 'nothing answers at http://127.0.0.1:4566: …', { cause })`
 */
export class AwsAccessError extends Error {
  override readonly name = 'AwsAccessError';
  readonly exitCode = EXIT.unusable;

  constructor(
    readonly kind: AwsProblemKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }

  /** Whether every call would fail the same way (the endpoint, the credentials, the Region). */
  get fatal(): boolean {
    return FATAL.has(this.kind);
  }
}

/**
 * An HTTP answer without AWS's request id header: a web server, a proxy's error page, another service.
 * Thrown by `awsAnswerCheck` before the SDK tries to parse it.
 */
export class NotAwsAnswerError extends Error {
  override readonly name = 'NotAwsAnswerError';

  constructor(
    readonly url: string,
    readonly statusCode: number,
    readonly contentType: string | undefined,
  ) {
    super(
      `${url} answered HTTP ${statusCode}${contentType ? ` ${contentType}` : ''} without an AWS request id`,
    );
  }
}

/** Where the CLI talks to AWS: the endpoint override and Region from the environment. */
export interface AwsSetting {
  /** `AWS_ENDPOINT_URL`, when set. */
  endpoint?: string;
  /** `AWS_REGION` (or the Region of the failing call), when known. */
  region?: string;
}

/** The settings as the SDK reads them from the environment. */
export function awsSettingOf(env: NodeJS.ProcessEnv): AwsSetting {
  return {
    endpoint: env.AWS_ENDPOINT_URL || undefined,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
  };
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
const CREDENTIAL_NAMES = new Set([
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'MissingAuthenticationToken',
  'IncompleteSignature',
  'AuthFailure',
  'TokenProviderError',
]);
const DENIED_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'UnauthorizedOperation',
  'NotAuthorized',
]);
const THROTTLED_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

interface ErrorFacts {
  name?: string;
  code?: string;
  hostname?: string;
  /** The SDK's deserialization failure: the raw answer is on `$response`. */
  unparsable?: boolean;
  notAws?: NotAwsAnswerError;
  statusCode?: number;
}

/** The error and its causes (at most 5 deep), flattened into what matters here. */
function factsOf(error: unknown): ErrorFacts {
  const facts: ErrorFacts = {};
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const e = current as {
      name?: unknown;
      code?: unknown;
      hostname?: unknown;
      $response?: unknown;
      $metadata?: { httpStatusCode?: number };
      cause?: unknown;
    };
    if (current instanceof NotAwsAnswerError) facts.notAws ??= current;
    if (typeof e.name === 'string' && e.name !== 'Error' && e.name !== 'TypeError') facts.name ??= e.name;
    if (typeof e.code === 'string') facts.code ??= e.code;
    if (typeof e.hostname === 'string') facts.hostname ??= e.hostname;
    if ('$response' in e && e.$response !== undefined) facts.unparsable = true;
    facts.statusCode ??= e.$metadata?.httpStatusCode;
    current = e.cause;
  }
  return facts;
}

/** `rds.xx-nowhere-1.amazonaws.com` → `xx-nowhere-1`. */
function regionOfAwsHost(hostname: string | undefined): string | undefined {
  return /^[a-z0-9-]+\.([a-z]{2}(?:-[a-z0-9]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/.exec(hostname ?? '')?.[1];
}

const LOCAL_HINT = 'check AWS_ENDPOINT_URL or start `npm run local` (and export what it prints)';

/**
 * The failure explained in one line with its fix, or `undefined` when it is not an AWS access problem
 * (then it is shown as it is).
 * Example: `explainAwsError(connectRefused, { endpoint: 'http://127.0.0.1:4566' })?.message` →
 * `'nothing answers at http://127.0.0.1:4566: check AWS_ENDPOINT_URL or start `npm run local` (and export what it prints)'`
 */
export function explainAwsError(error: unknown, setting: AwsSetting): AwsAccessError | undefined {
  if (error instanceof AwsAccessError) return error;
  const facts = factsOf(error);
  const name = facts.name ?? '';
  const endpoint = setting.endpoint ? clip(setting.endpoint) : undefined;
  const make = (kind: AwsProblemKind, message: string) => new AwsAccessError(kind, message, { cause: error });

  if (facts.notAws || facts.unparsable) {
    const answer = facts.notAws
      ? `HTTP ${facts.notAws.statusCode}${facts.notAws.contentType ? `, ${clip(facts.notAws.contentType)}` : ''}`
      : `an answer the SDK could not read${facts.statusCode ? ` (HTTP ${facts.statusCode})` : ''}`;
    const where = endpoint ?? (facts.notAws ? clip(facts.notAws.url) : 'the AWS endpoint');
    return make(
      'not-aws',
      `${where} does not answer like AWS (${answer}): ${endpoint ? LOCAL_HINT : 'check HTTPS_PROXY and the network between you and AWS'}`,
    );
  }
  const awsRegion = regionOfAwsHost(facts.hostname);
  if (facts.code === 'ENOTFOUND' && !endpoint && awsRegion)
    return make(
      'unknown-region',
      `unknown Region "${clip(awsRegion)}"? ${clip(facts.hostname ?? '')} does not resolve: check AWS_REGION and the policy's regions (e.g. us-east-1), else DNS and the network`,
    );
  if (name === 'InvalidRegion' || /^Region is missing/.test(error instanceof Error ? error.message : ''))
    return make(
      'unknown-region',
      'no AWS Region set: export AWS_REGION (e.g. us-east-1) or set it in your profile',
    );
  if (facts.code && UNREACHABLE_CODES.has(facts.code)) {
    if (endpoint) return make('unreachable', `nothing answers at ${endpoint}: ${LOCAL_HINT}`);
    return make(
      'unreachable',
      `cannot reach AWS${facts.hostname ? ` at ${clip(facts.hostname)}` : ''} (${facts.code}): check the network, HTTPS_PROXY and AWS_REGION`,
    );
  }
  if (name === 'TimeoutError' || name === 'RequestTimeout')
    return make(
      'unreachable',
      `${endpoint ?? 'AWS'} did not answer in time: ${endpoint ? LOCAL_HINT : 'check the network and HTTPS_PROXY, then run again'}`,
    );
  if (CREDENTIAL_NAMES.has(name))
    return make(
      'credentials',
      name === 'CredentialsProviderError' || name === 'TokenProviderError'
        ? 'no usable AWS credentials: set AWS_PROFILE (`aws sso login` for an SSO profile) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
        : `AWS refused the credentials (${name}): they are wrong or expired; renew them (\`aws sso login\`, new keys) or pick another AWS_PROFILE`,
    );
  if (DENIED_NAMES.has(name))
    return make(
      'access-denied',
      `AWS denied the call (${name}): give the operator's role the permissions listed in cli/README.md ("AWS permissions of the operator")`,
    );
  if (THROTTLED_NAMES.has(name))
    return make(
      'throttled',
      `AWS throttled the calls (${name}): wait a minute and run again; other tools calling the same API in this account share its rate`,
    );
  return undefined;
}

/**
 * The one-line text of any error: the explanation for an AWS access problem, else `Name: message`.
 * Example: `describeFailure(new TypeError('x'), {})` → `'TypeError: x'`
 */
export function describeFailure(error: unknown, setting: AwsSetting): string {
  const explained = explainAwsError(error, setting);
  if (explained) return explained.message;
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

/** The raw HTTP answer as the SDK's middleware sees it. */
interface RawAnswer {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
}

/**
 * True when an HTTP answer comes from AWS (or an emulator of it): AWS puts a request id on every answer,
 * errors included.
 * Example: `isAwsAnswer({ statusCode: 200, headers: { 'content-type': 'text/html' } })` → `false`
 */
export function isAwsAnswer(answer: RawAnswer): boolean {
  const headers = Object.fromEntries(
    Object.entries(answer.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]),
  );
  return Boolean(headers['x-amzn-requestid'] || headers['x-amz-request-id'] || headers['x-amz-id-2']);
}

interface MiddlewareStack {
  add(
    middleware: (next: (args: unknown) => Promise<{ response: unknown }>) => (args: unknown) => Promise<{
      response: unknown;
    }>,
    options: { step: 'deserialize'; priority: 'low'; name: string },
  ): void;
}

/**
 * Adds to an SDK client a check, under its parser, that each answer is AWS's: a web server answering HTML
 * at AWS_ENDPOINT_URL becomes a `NotAwsAnswerError` instead of a parse error or, worse, an empty listing.
 * Example: `awsAnswerCheck(new DynamoDBClient({}))`
 */
export function awsAnswerCheck<C extends { middlewareStack: unknown }>(client: C): C {
  (client.middlewareStack as MiddlewareStack).add(
    (next) => async (args) => {
      const result = await next(args);
      const answer = result.response as RawAnswer;
      if (!isAwsAnswer(answer)) {
        const request = (args as { request?: { protocol?: string; hostname?: string; port?: number } })
          .request;
        const url = request
          ? `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`
          : 'the endpoint';
        const type = Object.entries(answer.headers ?? {}).find(
          ([k]) => k.toLowerCase() === 'content-type',
        )?.[1];
        throw new NotAwsAnswerError(url, answer.statusCode ?? 0, type);
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'docdbBackupCliAwsAnswerCheck' },
  );
  return client;
}
