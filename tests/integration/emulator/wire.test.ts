// Seam: the raw HTTP routing and wire formats, below the SDK — how the emulator tells DocumentDB from SNS,
// picks the Region and account, and shapes Query XML and JSON errors the way AWS does.
import { describe, expect, it } from 'vitest';
import { useEmulator } from './support.js';

const t = useEmulator();

function authorization(service: string, region = 'us-east-1', accessKeyId = 'AKIDTEST'): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261128/${region}/${service}/aws4_request, SignedHeaders=host, Signature=00`;
}

async function query(
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(t.emu.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('wire formats', () => {
  it('answers an unknown DocumentDB action with InvalidAction in an XML ErrorResponse', async () => {
    const { status, text } = await query('Action=RebootDBCluster&Version=2014-10-31', {
      authorization: authorization('rds'),
    });

    expect(status).toBe(400);
    expect(text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="http:\/\/rds.amazonaws.com\/doc\/2014-10-31\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>[^<]+<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
  });

  it('wraps results as <ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>', async () => {
    const { text } = await query('Action=DescribeDBClusters&Version=2014-10-31', {
      authorization: authorization('rds'),
    });

    expect(text).toContain('<DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">');
    expect(text).toContain('<DescribeDBClustersResult><DBClusters></DBClusters></DescribeDBClustersResult>');
    expect(text).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
  });

  it('routes by the credential scope service: the same action name reaches SNS when signed for sns', async () => {
    const sns = await query('Action=ListTopics&Version=2010-03-31', { authorization: authorization('sns') });
    const rds = await query('Action=ListTopics&Version=2014-10-31', { authorization: authorization('rds') });

    expect(sns.status).toBe(200);
    expect(sns.text).toContain('<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
    expect(rds.status).toBe(400);
    expect(rds.text).toContain('<Code>InvalidAction</Code>');
  });

  it('takes the Region from the credential scope', async () => {
    t.emu.seed({ regions: { 'ap-southeast-2': { clusters: [{ id: 'sydney' }] } } });

    const { text } = await query('Action=DescribeDBClusters&Version=2014-10-31', {
      authorization: authorization('rds', 'ap-southeast-2'),
    });

    expect(text).toContain(
      '<DBClusterArn>arn:aws:rds:ap-southeast-2:123456789012:cluster:sydney</DBClusterArn>',
    );
  });

  it('answers JSON errors for EventBridge with __type', async () => {
    const response = await fetch(t.emu.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSEvents.PutEvents',
        authorization: authorization('events'),
      },
      body: JSON.stringify({ Entries: [] }),
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toMatchObject({ __type: 'ValidationException' });
  });
});
