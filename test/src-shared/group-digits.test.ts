/** groupDigits prints integers as toLocaleString('en-US') does, without loading Intl's data. */
import { describe, expect, it } from 'vitest';
import { groupDigits } from '../../src-shared/group-digits.js';

describe('groupDigits', () => {
  it('groups thousands with commas exactly as en-US does, negative numbers too', () => {
    const cases = [0, 7, 999, 1000, 10_000, 50_000, 123_456, 999_999, 1_000_000, 2 ** 31 - 1, -1, -1000, -1_234_567];
    for (const n of cases) expect(groupDigits(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
