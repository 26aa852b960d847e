/**
 * The CSV layout of recordings, shared by the CLI (one file per probe) and the lab store's
 * export, so both write byte-identical files:
 *   state probe  `t (ms),<block>.<state>[<neuron>] (<unit>),…`  one row per sample
 *   spike probe  `t (ms),<block>.neuron`                         one row per spike
 *   rate probe   `t (ms),<block>.rate (Hz)`                      one row per bin
 *   long format  `t (ms),neuron,value` (+ unit in the header)    one row per sample and neuron
 *   weight snapshots `t (ms),pre,post,<synapse>.w (<unit>)`       one row per snapshot and connection
 * Times are the step times of assets/docs/models.md: step·dt, printed without float noise.
 */
import type { PlanProbe } from '../compiler/plan.js';

/** Metadata a CSV writer needs about one probe (a subset of the plan's probe). */
export type ProbeLayout =
  | {
      id: string; kind: 'state'; block: string; state: string; unit: string; neurons: ArrayLike<number>; every: number;
      /** Weight snapshots: the pre and post neuron of each recorded connection (the weights CSV's columns). */
      snapshots?: { pre: ArrayLike<number>; post: ArrayLike<number> };
    }
  | { id: string; kind: 'spikes'; block: string }
  | { id: string; kind: 'rate'; block: string; binSteps: number };

/** A state probe's layout that records weight snapshots (a plastic synapse's connections). */
export type SnapshotLayout = Extract<ProbeLayout, { kind: 'state' }> & { snapshots: { pre: ArrayLike<number>; post: ArrayLike<number> } };

/** Whether a probe records weight snapshots: its CSV has a row per snapshot and connection. */
export function hasSnapshots(layout: ProbeLayout): layout is SnapshotLayout {
  return layout.kind === 'state' && layout.snapshots !== undefined;
}

/** The layout of a plan probe. */
export function layoutOf(p: PlanProbe): ProbeLayout {
  if (p.kind === 'state') {
    return {
      id: p.id, kind: 'state', block: p.block, state: p.state, unit: p.unit, neurons: p.neurons, every: p.every,
      ...(p.snapshots ? { snapshots: p.snapshots } : {}),
    };
  }
  if (p.kind === 'spikes') return { id: p.id, kind: 'spikes', block: p.block };
  return { id: p.id, kind: 'rate', block: p.block, binSteps: p.binSteps };
}

/** The header row of a probe's wide-format CSV. */
export function csvHeader(p: ProbeLayout): string[] {
  if (p.kind === 'spikes') return ['t (ms)', `${p.block}.neuron`];
  if (p.kind === 'rate') return ['t (ms)', `${p.block}.rate (Hz)`];
  const unit = p.unit ? ` (${p.unit})` : '';
  return ['t (ms)', ...Array.from(p.neurons, (n) => `${p.block}.${p.state}[${n}]${unit}`)];
}

/** Header of a weight-snapshots probe's CSV: one row per snapshot and connection. */
export function csvWeightsHeader(p: Extract<ProbeLayout, { kind: 'state' }>): string[] {
  return ['t (ms)', 'pre', 'post', `${p.block}.${p.state}${p.unit ? ` (${p.unit})` : ''}`];
}

/** Header of the long format for state probes. */
export function csvLongHeader(p: Extract<ProbeLayout, { kind: 'state' }>): string[] {
  return ['t (ms)', 'neuron', `${p.block}.${p.state}${p.unit ? ` (${p.unit})` : ''}`];
}

/**
 * Time of a step as text: step·dt rounded to 9 significant decimals, so 3·0.1 prints
 * "0.3", not "0.30000000000000004".
 */
export function formatTime(step: number, dt: number): string {
  return String(Number((step * dt).toPrecision(12)));
}

/** A recorded f32 value as the shortest text that reads back to the same f32. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let digits = 6; digits < 9; digits++) {
    const s = v.toPrecision(digits);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}
