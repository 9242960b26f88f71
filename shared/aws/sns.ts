/** On-call alerts through SNS, with `severity` and `policy` message attributes for subscription filters. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert, Alerter } from '../backup/ports.js';
import type { CallDeclarations } from './permissions.js';

/** The AWS calls of `SnsAlerter`, per method (shared/aws/permissions.ts). */
export const SNS_CALLS = {
  send: {
    command: PublishCommand,
    actions: ['sns:Publish'],
    resources: ['alert-topic'],
    why: 'page on-call',
  },
} as const satisfies CallDeclarations;

export class SnsAlerter implements Alerter {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async send(alert: Alert, signal?: AbortSignal): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: alert.subject,
        Message: alert.body,
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: alert.severity },
          policy: { DataType: 'String', StringValue: alert.policy },
        },
      }),
      { abortSignal: signal },
    );
  }
}
