/** SNS (Query protocol, signing name `sns`, Version 2010-03-31): CreateTopic, Publish, ListTopics. */
import { randomUUID } from 'node:crypto';
import { parseArn, topicArn } from './aws-ids.js';
import type { CallContext, QueryHandler } from './context.js';
import { AwsApiError } from './errors.js';
import { paginate } from './paging.js';
import type { QueryParams } from './query.js';
import type { PublishedMessage } from './world.js';
import { el, list } from './xml.js';

export const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
export const SNS_VERSION = '2010-03-31';

const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_SUBJECT_LENGTH = 100;
const MAX_ATTRIBUTES = 10;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

function invalidParameter(message: string): AwsApiError {
  return new AwsApiError('InvalidParameter', `Invalid parameter: ${message}`, 400);
}

/** Creates a topic, or returns the existing one's ARN (idempotent). */
function createTopic(ctx: CallContext, params: QueryParams): string {
  const name = params.required('Name');
  const fifo = name.endsWith('.fifo');
  if (!TOPIC_NAME.test(fifo ? name.slice(0, -'.fifo'.length) : name) || name.length > 256) {
    throw invalidParameter('Topic Name');
  }
  let topic = ctx.store.topics.get(name);
  if (!topic) {
    topic = { name, arn: topicArn(ctx.region, ctx.accountId, name) };
    ctx.store.topics.set(name, topic);
  }
  return el('TopicArn', topic.arn);
}

/** Topics of the account in the Region, 100 per page. */
function listTopics(ctx: CallContext, params: QueryParams): string {
  const topics = [...ctx.store.topics.values()].sort((a, b) => (a.arn < b.arn ? -1 : 1));
  const page = paginate(topics, (topic) => topic.arn, 100, params.string('NextToken'));
  return (
    list('Topics', 'member', page.items, (topic) => el('TopicArn', topic.arn)) + el('NextToken', page.marker)
  );
}

/** Publishes to an existing topic and records the message with its attributes. */
function publish(ctx: CallContext, params: QueryParams): string {
  const arn = params.string('TopicArn') ?? params.string('TargetArn');
  if (!arn) {
    if (params.string('PhoneNumber')) throw invalidParameter('PhoneNumber is not supported by the emulator');
    throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  }
  const parsed = parseArn(arn);
  if (parsed?.service !== 'sns' || parsed.region !== ctx.region) throw invalidParameter('TopicArn');
  const topic = parsed.accountId === ctx.accountId ? ctx.store.topics.get(parsed.resource) : undefined;
  if (!topic) throw new AwsApiError('NotFound', 'Topic does not exist', 404);

  const message = params.string('Message');
  if (message === undefined || message === '') throw invalidParameter('Empty message');
  const subject = params.string('Subject');
  if (
    subject !== undefined &&
    (subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH || /[\r\n\p{Cc}]/u.test(subject))
  ) {
    throw invalidParameter('Subject');
  }
  const attributes = readAttributes(params);
  const size =
    Buffer.byteLength(message) +
    Object.entries(attributes).reduce(
      (total, [name, value]) =>
        total +
        Buffer.byteLength(name) +
        Buffer.byteLength(value.dataType) +
        Buffer.byteLength(value.stringValue ?? value.binaryValue ?? ''),
      0,
    );
  if (size > MAX_MESSAGE_BYTES) throw invalidParameter('Message too long');

  const record: PublishedMessage = {
    accountId: ctx.accountId,
    region: ctx.region,
    topicArn: topic.arn,
    messageId: randomUUID(),
    message,
    attributes,
    time: new Date(ctx.nowMs).toISOString(),
  };
  if (subject !== undefined) record.subject = subject;
  const structure = params.string('MessageStructure');
  if (structure !== undefined) record.messageStructure = structure;
  ctx.world.published.push(record);
  return el('MessageId', record.messageId);
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` / `.Value.BinaryValue`. */
function readAttributes(params: QueryParams): PublishedMessage['attributes'] {
  const entries = params.entries('MessageAttributes', 'Name', 'Value');
  if (entries.length > MAX_ATTRIBUTES) {
    throw new AwsApiError(
      'ParameterValueInvalid',
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
      400,
    );
  }
  const attributes: PublishedMessage['attributes'] = {};
  for (const [name, value] of entries) {
    const dataType = value.string('DataType');
    const stringValue = value.string('StringValue');
    const binaryValue = value.string('BinaryValue');
    if (!dataType || !/^(String|Number|Binary)(\.|$)/.test(dataType)) {
      throw new AwsApiError(
        'ParameterValueInvalid',
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
        400,
      );
    }
    if (stringValue === undefined && binaryValue === undefined) {
      throw new AwsApiError(
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`,
        400,
      );
    }
    attributes[name] = { dataType };
    if (stringValue !== undefined) attributes[name].stringValue = stringValue;
    if (binaryValue !== undefined) attributes[name].binaryValue = binaryValue;
  }
  return attributes;
}

export const SNS_ACTIONS: Readonly<Record<string, QueryHandler>> = {
  CreateTopic: createTopic,
  ListTopics: listTopics,
  Publish: publish,
};
