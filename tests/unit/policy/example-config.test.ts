// Seam: config/policies.yml through shared/policy's loader — the shipped example is valid and means what it says.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  loadPolicyFile,
  nextScheduledTimes,
  scheduleOf,
  validatePolicyFile,
} from '../../../shared/policy/index.js';

const EXAMPLE = fileURLToPath(new URL('../../../config/policies.yml', import.meta.url));

describe('example config/policies.yml', () => {
  it('points editors at the generated JSON Schema on its first line', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./policies.schema.json');
  });

  it('validates without errors or warnings', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    expect(validatePolicyFile(text, EXAMPLE, { now: new Date('2025-06-01T00:00:00Z') }).problems).toEqual([]);
  });

  it('resolves nightly-prod with its own Regions, selection, prefix and merged tags', async () => {
    const policies = await loadPolicyFile(EXAMPLE);
    expect(policies.map((p) => p.name)).toEqual([
      'nightly-prod',
      'ledger-6h',
      'weekly-staging',
      'month-end-finance',
    ]);
    expect(policies[0]).toEqual({
      name: 'nightly-prod',
      description: 'Nightly snapshots of production clusters, kept in addition to automated backups.',
      enabled: true,
      schedule: 'cron(0 3 * * ? *)',
      regions: ['us-east-1', 'eu-west-1'],
      clusters: {
        identifiers: ['orders-prod', 'payments-prod'],
        tags: { environment: 'production', backup: 'nightly' },
        exclude: ['analytics-scratch-prod'],
      },
      allowEmpty: false,
      snapshot: {
        prefix: 'nightly',
        tags: {
          owner: 'platform-sre',
          'cost-center': '4711',
          purpose: 'disaster-recovery',
          'data-classification': 'confidential',
        },
        copyClusterTags: true,
      },
      retry: { maxAttempts: 8, baseDelaySeconds: 30, maxDelaySeconds: 300 },
      windows: { startMinutes: 480, completionMinutes: 1440 },
      retention: { daily: 7, weekly: 4, monthly: 12 },
      quota: { default: 100, regions: { 'eu-west-1': 150 }, warnAtPercent: 80 },
      copies: [],
    });
    expect(policies.reconcile).toEqual({ schedule: 'rate(10 minutes)', maxCopiesInFlight: 5 });
  });

  it('gives ledger-6h a start window no longer than its six hours between runs', async () => {
    const ledger = (await loadPolicyFile(EXAMPLE)).find((p) => p.name === 'ledger-6h');
    expect(ledger?.windows).toEqual({ startMinutes: 360, completionMinutes: 1440 });
  });

  it('inherits defaults where a policy sets nothing', async () => {
    const staging = (await loadPolicyFile(EXAMPLE)).find((p) => p.name === 'weekly-staging');
    expect(staging).toMatchObject({
      regions: ['us-west-2'],
      snapshot: { prefix: 'weekly-staging', tags: { owner: 'platform-sre', 'cost-center': '4711' } },
      retry: { maxAttempts: 8, baseDelaySeconds: 30, maxDelaySeconds: 300 },
      retention: { keepLast: 7 },
    });
  });

  it('fires when the comments say', async () => {
    const policies = await loadPolicyFile(EXAMPLE);
    const next = (name: string, count: number) =>
      nextScheduledTimes(
        scheduleOf(policies.find((p) => p.name === name)!),
        new Date('2025-05-30T00:00:00Z'),
        count,
      ).map((d) => d.toISOString().slice(0, 16));
    expect(next('nightly-prod', 1)).toEqual(['2025-05-30T03:00']);
    expect(next('ledger-6h', 4)).toEqual([
      '2025-05-30T00:15',
      '2025-05-30T06:15',
      '2025-05-30T12:15',
      '2025-05-30T18:15',
    ]);
    expect(next('weekly-staging', 1)).toEqual(['2025-06-01T04:30']);
    // 22:00 in Frankfurt: 20:00 UTC in summer (CEST), 21:00 UTC in winter (CET).
    expect(next('month-end-finance', 2)).toEqual(['2025-05-30T20:00', '2025-06-30T20:00']);
    expect(
      nextScheduledTimes(
        scheduleOf(policies.find((p) => p.name === 'month-end-finance')!),
        new Date('2025-11-01T00:00:00Z'),
        1,
      ).map((d) => d.toISOString().slice(0, 16)),
    ).toEqual(['2025-11-28T21:00']);
  });
});
