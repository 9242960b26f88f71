// Seam: shared/policy/regions.ts — the known AWS Region codes and suggestions for typos.
import { describe, expect, it } from 'vitest';
import { isKnownRegion, KNOWN_REGIONS, suggestRegion } from '../../../shared/policy/regions.js';

describe('regions', () => {
  it('knows commercial, GovCloud and China Regions', () => {
    for (const code of ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-northwest-1']) {
      expect(isKnownRegion(code)).toBe(true);
    }
  });

  it('lists each Region once, in the AWS code shape', () => {
    expect(new Set(KNOWN_REGIONS).size).toBe(KNOWN_REGIONS.length);
    for (const code of KNOWN_REGIONS) expect(code).toMatch(/^[a-z]{2}(-gov)?-[a-z]+-\d$/);
  });

  it.each([
    ['us-east1', 'us-east-1'],
    ['eu-west-l', 'eu-west-1'],
    ['US-EAST-1', 'us-east-1'],
    ['eu-central', 'eu-central-1'],
  ])('suggests %s → %s', (typo, suggestion) => {
    expect(isKnownRegion(typo)).toBe(false);
    expect(suggestRegion(typo)).toBe(suggestion);
  });

  it('suggests nothing for something far from any Region', () => {
    expect(suggestRegion('mars-north-1')).toBeUndefined();
  });
});
