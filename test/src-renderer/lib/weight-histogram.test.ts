/** The weight view's helpers: bin centres, which snapshot is shown, what Play steps to, the caption. */
import { describe, expect, it } from 'vitest';
import type { WeightHistogram } from '../../../src-shared/api.js';
import { histogramCaption, histogramColumns, nextSnapshot, shownSnapshot } from '../../../src-renderer/lib/weight-histogram.js';

const h: WeightHistogram = {
  probe: 'w', times: [0, 500, 1000], snapshot: 1, t: 500, lo: 0, hi: 0.01, counts: [3, 0, 1, 6], connections: 10, mean: 0.0061, unit: 'µS',
};

describe('weight histogram view', () => {
  it('puts each count at its bin\'s centre', () => {
    const [x, y] = histogramColumns(h);
    expect(x.map((v) => Number(v.toPrecision(12)))).toEqual([0.00125, 0.00375, 0.00625, 0.00875]);
    expect(y).toEqual([3, 0, 1, 6]);
  });

  it('shows the newest snapshot until one is picked, and keeps a pick within the stored ones', () => {
    expect(shownSnapshot(null, 3)).toBe(2);
    expect(shownSnapshot(0, 3)).toBe(0);
    expect(shownSnapshot(7, 3)).toBe(2);
    expect(shownSnapshot(null, 0)).toBe(-1);
  });

  it('plays to the last snapshot, and from the last starts again at the first', () => {
    expect(nextSnapshot(0, 3)).toBe(1);
    expect(nextSnapshot(2, 3)).toBe(0);
  });

  it('says when, which of how many, the mean and the connections', () => {
    expect(histogramCaption(h)).toBe('t = 500 ms · snapshot 2 of 3 · mean 0.0061 µS · 10 connections');
    expect(histogramCaption({ ...h, snapshot: -1 })).toBe('no snapshot yet');
  });
});
