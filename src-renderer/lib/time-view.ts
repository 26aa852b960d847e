/**
 * The time window shared by a run's plots (linked time axes): zooming or panning one plot
 * sets it, every plot follows and re-reads its data for it.
 */

/** A visible time window in ms. */
export interface TimeView {
  t0: number;
  t1: number;
}

/** The full window of a run of `durationMs`. */
export function fullView(durationMs: number): TimeView {
  return { t0: 0, t1: Math.max(durationMs, 1e-3) };
}
