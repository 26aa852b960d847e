/**
 * The weight-distribution view's data: a histogram from `readWeightHistogram` as uPlot
 * columns (bin centres, counts), its words ("t = 40 ms · mean 0.0051 µS"), and which
 * snapshot the view shows — the newest while nothing was picked (it follows a streaming
 * run), else the one picked with the slider or reached by playing.
 */
import type { WeightHistogram } from '../../src-shared/api.js';
import { fmtValue } from './format-value.js';

/** Bins of the histogram: enough to see two modes apart, few enough to stay readable in a card. */
export const HISTOGRAM_BINS = 40;

/** Bin centres and counts (uPlot's aligned data: x, then one series). */
export function histogramColumns(h: WeightHistogram): [number[], number[]] {
  const n = h.counts.length;
  const width = (h.hi - h.lo) / Math.max(1, n);
  return [h.counts.map((_, b) => h.lo + (b + 0.5) * width), h.counts.slice()];
}

/** The snapshot to show: the picked one (kept within the stored ones), else the newest. */
export function shownSnapshot(picked: number | null, stored: number): number {
  if (stored <= 0) return -1;
  return picked === null ? stored - 1 : Math.max(0, Math.min(stored - 1, picked));
}

/** Playing: the snapshot after `current`; from the last one, the first (so Play replays a finished run). */
export function nextSnapshot(current: number, stored: number): number {
  return current >= stored - 1 ? 0 : current + 1;
}

/** "t = 40 ms · snapshot 5 of 9 · mean 0.0051 µS · 12 connections". */
export function histogramCaption(h: WeightHistogram): string {
  if (h.snapshot < 0) return 'no snapshot yet';
  const count = h.connections.toLocaleString('en-US');
  return `t = ${fmtValue(h.t)} ms · snapshot ${h.snapshot + 1} of ${h.times.length} · mean ${fmtValue(h.mean, h.unit)} · ${count} connection${h.connections === 1 ? '' : 's'}`;
}
