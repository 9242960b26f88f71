// Seam: parseInstant refuses UTC offsets past ±14:00. (Regression test from review.)
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../../shared/planning/slot.js';

describe('parseInstant', () => {
  it.each(['2026-11-28T03:00:00+14:59', '2026-11-28T03:00:00-14:30'])('refuses the offset of %s', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});
