/**
 * COBA on the CPU engine: compile (connectivity drawn on the host) and the run itself are
 * timed apart, as Brian2's build and connectivity are kept apart from its run.
 *
 * Each measurement runs in a fresh Node process by default (`isolate`), as a run in the app
 * gets a fresh worker: V8 caches `new Function` by source text, so Simulations of an identical
 * plan in one isolate share compiled code and feedback, and from the third one on their step
 * function ran about 1.6× slower (measured 0.45 s → 0.70 s CPU at N = 4000). `npx tsx bench/cpu.ts --n N
 * [--seed S] [--duration MS]` prints one JSON row per N (in this process).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from '../src-main/compiler/compile.js';
import type { Plan } from '../src-main/compiler/plan.js';
import { Simulation } from '../src-main/engines/cpu/simulation.js';
import { runJsonChild } from './child-json.js';
import { cobaDocument } from './coba-document.js';

export interface Row {
  n: number;
  seed: number;
  /** Connections over all projections. */
  synapses: number;
  /** compile(doc): validation, connectivity, weights and initial values. */
  compileS: number;
  /** new Simulation(plan): code generation and array allocation. */
  setupS: number;
  /** Stepping 1 s of biological time (probes recorded and drained as a run does). */
  runS: number;
  /** Process CPU time (user + system) of the run: less sensitive to other load on the machine. */
  runCpuS: number;
  spikes: number;
  /** Spikes × outgoing synapses of the spiking neuron's block (mean out-degree per block). */
  events: number;
  eventsPerS: number;
  /** Mean rate over all neurons, Hz. */
  rateHz: number;
  /** Rate per population, Hz. */
  rates: Record<string, number>;
}

export interface BenchCpuOptions {
  durationMs?: number;
  seed?: number;
  /** Steps per advance() call (a worker advances in chunks of about 50 ms of work). */
  chunkSteps?: number;
  /** Called after each N, e.g. to print progress. */
  onRow?: (row: Row) => void;
  /** Run each N in a fresh Node process (default true). */
  isolate?: boolean;
}

/**
 * Outgoing connections per presynaptic block, from the CSR of every projection. Events are
 * counted as spikes × mean out-degree of the block (the simulation keeps only per-block spike
 * totals; out-degrees are i.i.d. binomial, so the difference from a per-neuron count is well
 * under 1 %).
 */
function outgoingByBlock(plan: Plan): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of plan.projections) {
    out.set(p.pre, (out.get(p.pre) ?? 0) + p.byPre.ptr[p.nPre]!);
  }
  return out;
}

/** Runs COBA once at size n. */
export function runCobaCpu(n: number, opts: BenchCpuOptions = {}): Row {
  const durationMs = opts.durationMs ?? 1000;
  const seed = opts.seed ?? 1;
  const chunk = opts.chunkSteps ?? 1000;
  const doc = cobaDocument(n, durationMs, seed);

  const t0 = performance.now();
  const plan = compile(doc);
  const t1 = performance.now();
  const sim = new Simulation(plan);
  const c2 = process.cpuUsage();
  const t2 = performance.now();
  while (sim.step < plan.steps) {
    sim.advance(chunk);
    sim.drain();
  }
  const t3 = performance.now();
  const cpu = process.cpuUsage(c2);

  const summary = sim.summary();
  const outgoing = outgoingByBlock(plan);
  let spikes = 0;
  let events = 0;
  const rates: Record<string, number> = {};
  for (const s of summary) {
    spikes += s.spikes;
    events += s.spikes * ((outgoing.get(s.block) ?? 0) / s.size);
    rates[s.block] = s.rateHz;
  }
  const synapses = plan.projections.reduce((a, p) => a + p.byPre.idx.length, 0);
  const runS = (t3 - t2) / 1000;
  const neurons = summary.reduce((a, s) => a + s.size, 0);
  return {
    n, seed, synapses,
    compileS: (t1 - t0) / 1000,
    setupS: (t2 - t1) / 1000,
    runS,
    runCpuS: (cpu.user + cpu.system) / 1e6,
    spikes,
    events: Math.round(events),
    eventsPerS: events / runS,
    rateHz: spikes / neurons / (durationMs / 1000),
    rates,
  };
}

const SELF = fileURLToPath(import.meta.url);

/** Runs COBA at size n in a child Node process (with this process's loader flags, e.g. tsx). */
function runCobaCpuIsolated(n: number, opts: BenchCpuOptions): Promise<Row> {
  const args = [...process.execArgv, SELF, '--n', String(n), '--seed', String(opts.seed ?? 1),
    '--duration', String(opts.durationMs ?? 1000), '--chunk', String(opts.chunkSteps ?? 1000)];
  return runJsonChild<Row>(process.execPath, args, `CPU bench at N=${n}`);
}

/** COBA for 1 s at every N in `ns` on the CPU engine. */
export async function benchCpu(ns: number[], opts: BenchCpuOptions = {}): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of ns) {
    const row = opts.isolate === false ? runCobaCpu(n, opts) : await runCobaCpuIsolated(n, opts);
    rows.push(row);
    opts.onRow?.(row);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return rows;
}

if (process.argv[1] === SELF) {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '4000' },
      seed: { type: 'string', default: '1' },
      duration: { type: 'string', default: '1000' },
      chunk: { type: 'string', default: '1000' },
    },
  });
  for (const n of values.n!.split(',').map(Number)) {
    const row = runCobaCpu(n, { seed: Number(values.seed), durationMs: Number(values.duration), chunkSteps: Number(values.chunk) });
    console.log(JSON.stringify(row));
  }
}
