/**
 * EventBridge (JSON 1.1, `X-Amz-Target: AWSEvents.<Action>`): PutEvents with per-entry results and
 * injected entry failures, plus CreateEventBus and ListEventBuses.
 */
import { randomUUID } from 'node:crypto';
import { eventBusArn, parseArn } from './aws-ids.js';
import type { CallContext } from './context.js';
import { AwsApiError } from './errors.js';
import type { RecordedEvent } from './world.js';

/** Answers one JSON action with the response document. */
export type JsonHandler = (ctx: CallContext, input: Record<string, unknown>) => unknown;

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

function validation(message: string): AwsApiError {
  return new AwsApiError('ValidationException', message, 400);
}

interface EntryResult {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

/** PutEvents: 1–10 entries; each accepted entry is recorded, each invalid or injected failure reported. */
function putEvents(ctx: CallContext, input: Record<string, unknown>): unknown {
  const entries = input.Entries;
  if (!Array.isArray(entries)) {
    throw validation(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
    throw validation(
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  if (Buffer.byteLength(JSON.stringify(entries)) > MAX_REQUEST_BYTES) {
    throw validation('Total size of the entries in the request is over the limit.');
  }
  const injected = ctx.faults.putEventsFailures(entries.length);
  const results: EntryResult[] = entries.map((entry, index) => {
    if (injected[index]) return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' };
    return acceptEntry(
      ctx,
      typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {},
    );
  });
  return { FailedEntryCount: results.filter((result) => result.ErrorCode).length, Entries: results };
}

function acceptEntry(ctx: CallContext, entry: Record<string, unknown>): EntryResult {
  for (const field of ['Source', 'DetailType', 'Detail']) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date(ctx.nowMs);
  const event: RecordedEvent = {
    accountId: ctx.accountId,
    region: ctx.region,
    eventId: randomUUID(),
    eventBusName: busName(entry.EventBusName),
    source: entry.Source as string,
    detailType: entry.DetailType as string,
    detail,
    resources: Array.isArray(entry.Resources)
      ? entry.Resources.filter((r): r is string => typeof r === 'string')
      : [],
    time: time.toISOString(),
  };
  ctx.world.events.push(event);
  return { EventId: event.eventId };
}

/** The bus name from a name or ARN; `default` when absent. Like AWS, an unknown bus is not an error. */
function busName(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'default';
  const arn = parseArn(value);
  return arn?.resource.startsWith('event-bus/') ? arn.resource.slice('event-bus/'.length) : value;
}

function createEventBus(ctx: CallContext, input: Record<string, unknown>): unknown {
  const name = input.Name;
  if (typeof name !== 'string' || !/^[/.\-_A-Za-z0-9]{1,256}$/.test(name) || name === 'default') {
    throw validation(`Event bus name ${String(name)} is not valid.`);
  }
  if (ctx.store.eventBuses.has(name)) {
    throw new AwsApiError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`, 400);
  }
  ctx.store.eventBuses.add(name);
  return { EventBusArn: eventBusArn(ctx.region, ctx.accountId, name) };
}

function listEventBuses(ctx: CallContext, input: Record<string, unknown>): unknown {
  const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
  const names = [...ctx.store.eventBuses].filter((name) => name.startsWith(prefix)).sort();
  return {
    EventBuses: names.map((name) => ({ Name: name, Arn: eventBusArn(ctx.region, ctx.accountId, name) })),
  };
}

export const EVENTBRIDGE_ACTIONS: Readonly<Record<string, JsonHandler>> = {
  PutEvents: putEvents,
  CreateEventBus: createEventBus,
  ListEventBuses: listEventBuses,
};
