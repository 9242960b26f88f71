/**
 * Routes one HTTP request to the service that answers it:
 *
 * - `/_emulator/*` → control endpoints (control.ts)
 * - `X-Amz-Target: DynamoDB_20120810.*` → proxied to the account's and Region's dynalite
 * - `X-Amz-Target: AWSEvents.*` → EventBridge (JSON 1.1); `TrentService.*` → KMS (JSON 1.1)
 * - form-encoded `Action=…&Version=…` → DocumentDB (signing name `rds`), SNS (`sns`) or STS (`sts`), told
 *   apart by the service in the credential scope (by `Version` when the request is unsigned)
 *
 * The Region is the credential scope's (us-east-1 when unsigned); the account is the one the access
 * key id maps to. Every API call is counted and passes through fault injection before it is answered:
 * the token buckets of the account, Region and action first (throttle.ts), then the other call faults.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallContext, QueryHandler } from './context.js';
import { type ControlTarget, handleControl } from './control.js';
import { DOCDB_ACTIONS, DOCDB_NAMESPACE, DOCDB_VERSION } from './docdb/actions.js';
import type { DynamoDbBackends } from './dynamodb.js';
import { AwsApiError } from './errors.js';
import { EVENTBRIDGE_ACTIONS, type JsonHandler } from './eventbridge.js';
import type { FaultEngine } from './faults.js';
import { KMS_ACTIONS, KMS_TARGET_PREFIX } from './kms.js';
import { QueryParams } from './query.js';
import { SNS_ACTIONS, SNS_NAMESPACE, SNS_VERSION } from './sns.js';
import { STS_ACTIONS, STS_NAMESPACE, STS_VERSION } from './sts.js';
import {
  injectedError,
  readBody,
  sendJson,
  sendJsonError,
  sendQueryError,
  sendXml,
  signingScope,
} from './wire.js';
import type { World } from './world.js';
import { queryResponse } from './xml.js';

export interface RouterDeps {
  world: World;
  faults: FaultEngine;
  dynamo: DynamoDbBackends;
  control: ControlTarget;
  /** Aborted when the emulator stops: pending injected latency ends at once. */
  lifetime: AbortSignal;
  host: string;
}

type Service = 'rds' | 'sns' | 'sts' | 'events' | 'kms' | 'dynamodb';
type QueryService = 'rds' | 'sns' | 'sts';
type JsonService = 'events' | 'kms';

interface QueryServiceSpec {
  actions: Readonly<Record<string, QueryHandler>>;
  namespace: string;
  version: string;
}

const QUERY_SERVICES: Record<QueryService, QueryServiceSpec> = {
  rds: { actions: DOCDB_ACTIONS, namespace: DOCDB_NAMESPACE, version: DOCDB_VERSION },
  sns: { actions: SNS_ACTIONS, namespace: SNS_NAMESPACE, version: SNS_VERSION },
  sts: { actions: STS_ACTIONS, namespace: STS_NAMESPACE, version: STS_VERSION },
};

/** JSON 1.1 services by their `X-Amz-Target` prefix. */
const JSON_SERVICES: Record<
  string,
  { service: JsonService; actions: Readonly<Record<string, JsonHandler>> }
> = {
  AWSEvents: { service: 'events', actions: EVENTBRIDGE_ACTIONS },
  [KMS_TARGET_PREFIX]: { service: 'kms', actions: KMS_ACTIONS },
};

const DYNAMODB_PREFIX = 'DynamoDB_20120810.';
const DYNAMODB_ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** Errors that are not API errors are bugs of the emulator: answered as InternalFailure (500). */
export function asApiError(error: unknown): AwsApiError {
  if (error instanceof AwsApiError) return error;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return new AwsApiError('InternalFailure', `Emulator error: ${detail}`, 500, { cause: error });
}

/** The request handler of the emulator's HTTP server. */
export function createRouter(deps: RouterDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { world, faults, dynamo, lifetime } = deps;

  /**
   * Counts the call, decides its faults as it arrives (a token bucket is checked when the call reaches
   * AWS), waits any injected latency (a throttled answer is a round trip too), and answers an injected
   * fault; false when it did.
   */
  async function admit(
    action: string,
    service: Service,
    caller: Caller,
    answer: (error: AwsApiError) => void,
  ): Promise<boolean> {
    world.countCall(action, caller.region);
    const origin = { accountId: caller.accountId, region: caller.region, nowMs: world.now() };
    const decision = faults.decide(action, origin);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs, undefined, { signal: lifetime });
    if (!decision.fault) return true;
    if (decision.fault.kind === 'throttle') world.countThrottled(action);
    answer(injectedError(decision.fault, service));
    return false;
  }

  function context(caller: Caller): CallContext {
    const { accountId, region, requestId } = caller;
    const store = world.store(accountId, region);
    const nowMs = world.now();
    store.settle(nowMs);
    const ctx: CallContext = { world, faults, accountId, region, store, nowMs, requestId };
    if (caller.accessKeyId !== undefined) ctx.accessKeyId = caller.accessKeyId;
    return ctx;
  }

  async function answerQuery(
    res: ServerResponse,
    service: QueryService,
    params: QueryParams,
    caller: Caller,
  ): Promise<void> {
    const { actions, namespace, version } = QUERY_SERVICES[service];
    const action = params.string('Action');
    const fail = (error: AwsApiError): void => sendQueryError(res, error, namespace, caller.requestId);
    if (!(await admit(`${service}:${action ?? 'MissingAction'}`, service, caller, fail))) return;
    try {
      if (!action)
        throw new AwsApiError('MissingAction', 'The request must contain the parameter Action', 400);
      const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!handler) {
        throw new AwsApiError(
          'InvalidAction',
          `Could not find operation ${action} for version ${version}`,
          400,
        );
      }
      const result = handler(context(caller), params);
      sendXml(res, 200, queryResponse(action, namespace, result, caller.requestId), caller.requestId);
    } catch (error) {
      fail(asApiError(error));
    }
  }

  async function answerJson(
    res: ServerResponse,
    spec: { service: JsonService; actions: Readonly<Record<string, JsonHandler>> },
    action: string,
    body: string,
    caller: Caller,
  ): Promise<void> {
    const fail = (error: AwsApiError): void => sendJsonError(res, error, '1.1', caller.requestId);
    if (!(await admit(`${spec.service}:${action}`, spec.service, caller, fail))) return;
    try {
      const handler = Object.hasOwn(spec.actions, action) ? spec.actions[action] : undefined;
      if (!handler) throw new AwsApiError('UnknownOperationException', `Unknown operation ${action}`, 400);
      const output = handler(context(caller), parseJsonObject(body));
      sendJson(res, 200, output, '1.1', caller.requestId);
    } catch (error) {
      fail(asApiError(error));
    }
  }

  return async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${deps.host}`);
    if (url.pathname.startsWith('/_emulator/')) return handleControl(deps.control, req, res, url.pathname);
    const scope = signingScope(req, url);
    const caller: Caller = {
      accountId: world.accountFor(scope?.accessKeyId),
      region: scope?.region ?? 'us-east-1',
      requestId: randomUUID(),
    };
    if (scope) caller.accessKeyId = scope.accessKeyId;
    const header = req.headers['x-amz-target'];
    const target = typeof header === 'string' ? header : undefined;

    if (target?.startsWith(DYNAMODB_PREFIX)) {
      const action = `dynamodb:${target.slice(DYNAMODB_PREFIX.length)}`;
      const admitted = await admit(action, 'dynamodb', caller, (error) => {
        req.resume();
        sendJsonError(res, error, '1.0', caller.requestId, DYNAMODB_ERROR_PREFIX);
      });
      if (admitted) await dynamo.proxy(req, res, caller.accountId, caller.region);
      return;
    }

    const body = await readBody(req);
    if (target !== undefined) {
      const [prefix = '', action = ''] = target.split('.');
      const spec = Object.hasOwn(JSON_SERVICES, prefix) ? JSON_SERVICES[prefix] : undefined;
      if (spec) return answerJson(res, spec, action, body, caller);
      const error = new AwsApiError('UnknownOperationException', `Unknown target ${target}`, 400);
      return sendJsonError(res, error, '1.1', caller.requestId);
    }

    const params = QueryParams.parse(body, url.searchParams);
    const service = queryServiceOf(scope?.service, params.string('Version'));
    if (service) return answerQuery(res, service, params, caller);
    const error = new AwsApiError(
      'InvalidAction',
      `The emulator does not serve ${scope?.service ?? 'this'} requests.`,
      400,
    );
    return sendQueryError(res, error, DOCDB_NAMESPACE, caller.requestId);
  };
}

interface Caller {
  accountId: string;
  region: string;
  requestId: string;
  accessKeyId?: string;
}

/** `rds`, `sns` or `sts` from the signing scope, or from `Version` when the request is unsigned. */
function queryServiceOf(
  scopeService: string | undefined,
  version: string | undefined,
): QueryService | undefined {
  if (scopeService === 'rds' || scopeService === 'sns' || scopeService === 'sts') return scopeService;
  if (scopeService !== undefined) return undefined;
  if (version === SNS_VERSION) return 'sns';
  if (version === DOCDB_VERSION) return 'rds';
  if (version === STS_VERSION) return 'sts';
  return undefined;
}

function parseJsonObject(body: string): Record<string, unknown> {
  let input: unknown;
  try {
    input = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    throw new AwsApiError('SerializationException', 'Malformed JSON request body', 400);
  }
  return typeof input === 'object' && input !== null && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : {};
}
