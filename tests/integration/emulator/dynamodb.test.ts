// Seam: DynamoDB requests proxied by the emulator to dynalite (a real DynamoDB implementation), as seen
// by the real @aws-sdk/client-dynamodb — per account and Region, wiped by reset, subject to faults.
import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { rejectionOf, useEmulator } from './support.js';

const t = useEmulator();

const createResults = new CreateTableCommand({
  TableName: 'backup-results',
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
});

describe('DynamoDB through dynalite', () => {
  it('creates a table that is ACTIVE at once, then puts and gets an item', async () => {
    const dynamodb = t.dynamodb();

    const created = await dynamodb.send(createResults);
    const described = await dynamodb.send(new DescribeTableCommand({ TableName: 'backup-results' }));
    await dynamodb.send(
      new PutItemCommand({
        TableName: 'backup-results',
        Item: { pk: { S: 'run#1' }, outcome: { S: 'created' } },
      }),
    );
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: 'backup-results', Key: { pk: { S: 'run#1' } } }),
    );

    expect(created.TableDescription).toMatchObject({
      TableName: 'backup-results',
      TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/backup-results',
    });
    expect(described.Table?.TableStatus).toBe('ACTIVE');
    expect(Item).toEqual({ pk: { S: 'run#1' }, outcome: { S: 'created' } });
    expect(t.emu.callCount('dynamodb:PutItem')).toBe(1);
  });

  it('keeps tables per Region', async () => {
    await t.dynamodb({ region: 'us-east-1' }).send(createResults);

    const virginia = await t.dynamodb({ region: 'us-east-1' }).send(new ListTablesCommand({}));
    const dublin = await t.dynamodb({ region: 'eu-west-1' }).send(new ListTablesCommand({}));

    expect(virginia.TableNames).toEqual(['backup-results']);
    expect(dublin.TableNames).toEqual([]);
  });

  it('starts every test without tables: reset wipes them', async () => {
    const dynamodb = t.dynamodb();
    await dynamodb.send(createResults);

    await t.emu.reset();
    const error = await rejectionOf(
      dynamodb.send(new GetItemCommand({ TableName: 'backup-results', Key: { pk: { S: 'x' } } })),
    );

    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it('throttles DynamoDB calls with ThrottlingException when asked', async () => {
    const dynamodb = t.dynamodb();
    await dynamodb.send(createResults);
    t.emu.setFaults({ actions: { 'dynamodb:PutItem': { throttleFirst: 1 } } });

    const error = await rejectionOf(
      dynamodb.send(new PutItemCommand({ TableName: 'backup-results', Item: { pk: { S: 'run#1' } } })),
    );
    await dynamodb.send(new PutItemCommand({ TableName: 'backup-results', Item: { pk: { S: 'run#1' } } }));

    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('adds latency to DynamoDB calls too', async () => {
    const dynamodb = t.dynamodb();
    t.emu.setFaults({ latencyMs: 20 });

    const started = performance.now();
    await dynamodb.send(new ListTablesCommand({}));

    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
  });
});
