/**
 * Sweeps in the renderer: the values typed in the inspector's sweep form (with units,
 * comma separated, checked like the parameter itself), and the run history's grouping of
 * a sweep's runs under its label.
 */
import type { QuantityParam } from '../../kernels/types.js';
import { MAX_SWEEP_COPIES, type RunInfo } from '../../src-shared/api.js';
import { boundsProblem } from '../../src-shared/param-bounds.js';
import { toUnit } from '../../src-shared/units.js';

/** A sweep set up in the inspector, started from the run bar. */
export interface SweepSetup {
  block: string;
  param: string;
  /** The parameter's unit (for labels). */
  unit: string;
  /** Values as text with units ("5 ms"). */
  values: string[];
  /** Number of seeds per value, or null for the run bar's seed only. */
  seeds: number | null;
}

const BARE_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Parses "5 ms, 10 ms, 20" for a quantity parameter: every value must convert to the
 * parameter's unit and lie within its bounds; a bare number is taken in that unit (and
 * given it). Returns the values as text with units, or the first problem.
 */
export function parseSweepValues(text: string, p: QuantityParam): { ok: true; values: string[] } | { ok: false; error: string } {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) return { ok: false, error: `list values, e.g. ${exampleValues(p)}` };
  if (items.length > MAX_SWEEP_COPIES) return { ok: false, error: `at most ${MAX_SWEEP_COPIES} values` };
  const values: string[] = [];
  const seen = new Map<number, string>();
  for (const item of items) {
    const bare = BARE_NUMBER.test(item);
    let v: number;
    try {
      v = bare ? Number(item) : toUnit(item, p.unit);
    } catch (e) {
      const message = (e as Error).message;
      return { ok: false, error: message.includes(`"${item}"`) ? message : `"${item}": ${message}` };
    }
    const bound = boundsProblem(p, v);
    if (bound) return { ok: false, error: `"${item}" ${bound}` };
    const text = bare && p.unit ? `${item} ${p.unit}` : item;
    const twin = seen.get(v);
    if (twin !== undefined) return { ok: false, error: `"${item}" is the same value as "${twin}"` };
    seen.set(v, item);
    values.push(text);
  }
  return { ok: true, values };
}

/** Parses the number of seeds: empty for none, else a whole number from 1. */
export function parseSeeds(text: string, values: number): { ok: true; seeds: number | null } | { ok: false; error: string } {
  const t = text.trim();
  if (t === '') return { ok: true, seeds: null };
  if (!/^\d+$/.test(t) || Number(t) < 1) return { ok: false, error: 'seeds: a whole number, at least 1' };
  const seeds = Number(t);
  if (seeds * Math.max(1, values) > MAX_SWEEP_COPIES) return { ok: false, error: `at most ${MAX_SWEEP_COPIES} runs (values × seeds)` };
  return { ok: true, seeds };
}

/** "5 ms, 10 ms, 20 ms" scaled around a parameter's default. */
export function exampleValues(p: QuantityParam): string {
  const d = p.default !== 0 ? p.default : 1;
  const u = p.unit ? ` ${p.unit}` : '';
  return [d / 2, d, d * 2].map((x) => `${Number(x.toPrecision(4))}${u}`).join(', ');
}

/** The sweep in words: "syn.tau = 5 ms, 10 ms, 20 ms" (× seeds). */
export function sweepText(s: SweepSetup): string {
  const seeds = s.seeds ? `, ${s.seeds} seed${s.seeds === 1 ? '' : 's'}` : '';
  return `${s.block}.${s.param} = ${s.values.join(', ')}${seeds}`;
}

/** Number of runs a sweep makes. */
export function sweepCount(s: SweepSetup): number {
  return s.values.length * (s.seeds ?? 1);
}

/** What a run is called in legends: the swept value of a sweep's copy, else "run N". */
export function runName(r: RunInfo): string {
  if (r.sweep) return r.sweep.copyLabel;
  // A run computed elsewhere (import-run keeps its engine as "imported: brian2") says so.
  const imported = /^imported: (.+)$/.exec(r.engine);
  return imported ? `run ${r.id} (${simulatorName(imported[1]!)}, imported)` : `run ${r.id}`;
}

/** A simulator's name as its users write it. */
function simulatorName(s: string): string {
  return ({ brian2: 'Brian2', pynn: 'PyNN' } as Record<string, string>)[s.toLowerCase()] ?? s;
}

/** A row of the run history: one run, or a sweep with its runs (in the sweep's order). */
export type HistoryItem = { kind: 'run'; run: RunInfo } | { kind: 'sweep'; id: string; label: string; runs: RunInfo[] };

/** Groups the runs of each sweep at the place of its newest run; other runs stay as they are. */
export function historyItems(runs: readonly RunInfo[]): HistoryItem[] {
  const groups = new Map<string, RunInfo[]>();
  for (const r of runs) {
    if (!r.sweep) continue;
    const list = groups.get(r.sweep.id) ?? [];
    list.push(r);
    groups.set(r.sweep.id, list);
  }
  const items: HistoryItem[] = [];
  const placed = new Set<string>();
  for (const r of runs) {
    if (!r.sweep) {
      items.push({ kind: 'run', run: r });
    } else if (!placed.has(r.sweep.id)) {
      placed.add(r.sweep.id);
      const list = groups.get(r.sweep.id)!.slice().sort((a, b) => a.sweep!.index - b.sweep!.index || a.id - b.id);
      items.push({ kind: 'sweep', id: r.sweep.id, label: r.sweep.label, runs: list });
    }
  }
  return items;
}
