// Seam: the emulator's SNS (Query/XML) and EventBridge (JSON 1.1) APIs as seen by the real
// @aws-sdk/client-sns and @aws-sdk/client-eventbridge, and what the emulator records of them.
import { CreateEventBusCommand, ListEventBusesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateTopicCommand,
  InvalidParameterException,
  ListTopicsCommand,
  NotFoundException,
  PublishCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { rejectionOf, useEmulator } from './support.js';

const t = useEmulator();

describe('SNS', () => {
  it('creates topics idempotently and lists them', async () => {
    const sns = t.sns();

    const first = await sns.send(new CreateTopicCommand({ Name: 'backup-alerts' }));
    const again = await sns.send(new CreateTopicCommand({ Name: 'backup-alerts' }));
    const { Topics } = await sns.send(new ListTopicsCommand({}));

    expect(first.TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:backup-alerts');
    expect(again.TopicArn).toBe(first.TopicArn);
    expect(Topics).toEqual([{ TopicArn: first.TopicArn }]);
  });

  it('records a published message with subject, attributes, Region and time', async () => {
    t.emu.seed({ topics: [{ region: 'eu-west-1', name: 'backup-alerts' }] });
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:backup-alerts';

    const { MessageId } = await t.sns({ region: 'eu-west-1' }).send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'Snapshot quota reached in eu-west-1',
        Message: 'Manual snapshots: 100 of 100',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'page' },
          usage: { DataType: 'Number', StringValue: '100' },
        },
      }),
    );

    expect(t.emu.publishedMessages(topicArn)).toEqual([
      {
        accountId: '123456789012',
        region: 'eu-west-1',
        topicArn,
        messageId: MessageId,
        subject: 'Snapshot quota reached in eu-west-1',
        message: 'Manual snapshots: 100 of 100',
        attributes: {
          severity: { dataType: 'String', stringValue: 'page' },
          usage: { dataType: 'Number', stringValue: '100' },
        },
        time: expect.any(String),
      },
    ]);
  });

  it('answers NotFound (404) for a topic that does not exist', async () => {
    const error = await rejectionOf(
      t.sns().send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:nope', Message: 'x' })),
    );

    expect(error).toBeInstanceOf(NotFoundException);
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('rejects a subject longer than 100 characters with InvalidParameter', async () => {
    t.emu.seed({ topics: [{ region: 'us-east-1', name: 'alerts' }] });

    const error = await rejectionOf(
      t.sns().send(
        new PublishCommand({
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
          Subject: 's'.repeat(101),
          Message: 'x',
        }),
      ),
    );

    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(t.emu.publishedMessages()).toEqual([]);
  });

  it('rejects a message over 256 KiB', async () => {
    t.emu.seed({ topics: [{ region: 'us-east-1', name: 'alerts' }] });

    const error = await rejectionOf(
      t.sns().send(
        new PublishCommand({
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
          Message: 'x'.repeat(262_145),
        }),
      ),
    );

    expect(error).toBeInstanceOf(InvalidParameterException);
  });
});

describe('EventBridge', () => {
  it('records accepted events with source, detail-type, parsed detail, bus and resources', async () => {
    const result = await t.events().send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'docdb-backup',
            DetailType: 'SnapshotResult',
            Detail: JSON.stringify({ cluster: 'orders', outcome: 'created' }),
            Resources: ['arn:aws:rds:us-east-1:123456789012:cluster:orders'],
          },
          {
            Source: 'docdb-backup',
            DetailType: 'SnapshotResult',
            Detail: '{}',
            EventBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/backups',
          },
        ],
      }),
    );

    expect(result.FailedEntryCount).toBe(0);
    expect(t.emu.recordedEvents()).toEqual([
      expect.objectContaining({
        eventId: result.Entries?.[0]?.EventId,
        eventBusName: 'default',
        source: 'docdb-backup',
        detailType: 'SnapshotResult',
        detail: { cluster: 'orders', outcome: 'created' },
        resources: ['arn:aws:rds:us-east-1:123456789012:cluster:orders'],
        region: 'us-east-1',
      }),
      expect.objectContaining({ eventBusName: 'backups', detail: {} }),
    ]);
  });

  it('answers ValidationException for more than 10 entries', async () => {
    const Entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));

    const error = await rejectionOf(t.events().send(new PutEventsCommand({ Entries })));

    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('reports a malformed Detail per entry and accepts the others', async () => {
    const result = await t.events().send(
      new PutEventsCommand({
        Entries: [
          { Source: 's', DetailType: 'd', Detail: 'not json' },
          { Source: 's', DetailType: 'd', Detail: '{"ok":true}' },
        ],
      }),
    );

    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.[0]).toEqual({
      ErrorCode: 'MalformedDetail',
      ErrorMessage: 'Detail is malformed.',
    });
    expect(t.emu.recordedEvents()).toHaveLength(1);
  });

  it('creates and lists event buses', async () => {
    const events = t.events();

    const created = await events.send(new CreateEventBusCommand({ Name: 'backups' }));
    const { EventBuses } = await events.send(new ListEventBusesCommand({}));

    expect(created.EventBusArn).toBe('arn:aws:events:us-east-1:123456789012:event-bus/backups');
    expect(EventBuses?.map((bus) => bus.Name)).toEqual(['backups', 'default']);
  });
});
