/**
 * `npm run bench:stdp`: Song, Miller & Abbott (2000) — assets/examples/stdp-song-2000.json on
 * Spikeflow's CPU engine beside Brian2's examples/synapses/STDP.py (bench/brian2/stdp_song.py,
 * cpp_standalone, one thread), over several seeds: the final weight histograms side by side
 * (the distribution must be bimodal in both: mass at 0 and at g_max), the output rates and
 * the run times (Brian2's compilation excluded; Spikeflow's compile of the plan included).
 *
 *   npm run bench:stdp -- [--seeds 1,2,3] [--duration 100] [--bins 20] [--no-brian2] [--brian2-dir DIR]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from '../src-main/compiler/compile.js';
import { Simulation } from '../src-main/engines/cpu/simulation.js';
import { plasticArrayName } from '../src-main/engines/cpu/plasticity-code.js';
import { parseDocumentText } from '../src-shared/document/load.js';

const EXAMPLE = fileURLToPath(new URL('../assets/examples/stdp-song-2000.json', import.meta.url));
const BRIAN2 = fileURLToPath(new URL('./brian2/stdp_song.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const GMAX = 0.01;

export interface SongRow { seed: number; rateHz: number; hist: number[]; runS: number }

/** Counts weights in `bins` equal bins over [0, g_max] (g_max itself in the last). */
export function histogram(w: ArrayLike<number>, bins: number): number[] {
  const h = new Array<number>(bins).fill(0);
  for (let k = 0; k < w.length; k++) h[Math.min(bins - 1, Math.floor((w[k]! / GMAX) * bins))]!++;
  return h;
}

/** The example on the CPU engine (in this process), seed and duration overridden. */
export function runSpikeflow(seed: number, durationS: number, bins: number): SongRow {
  const doc = parseDocumentText(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
  const t0 = performance.now();
  const plan = compile(doc, { seed, duration: `${durationS} s` });
  const sim = new Simulation(plan);
  sim.advance(plan.steps);
  const runS = (performance.now() - t0) / 1000;
  const pk = plan.projections.findIndex((p) => p.synapse === 'stdp');
  const rate = sim.summary().find((s) => s.block === 'neuron')!.rateHz;
  return { seed, rateHz: rate, hist: histogram(sim.arrays[plasticArrayName.weight(pk)] as Float64Array, bins), runS };
}

function runBrian2(seed: number, durationS: number, bins: number, dir: string): SongRow | string {
  const r = spawnSync(PYTHON, [BRIAN2, String(seed), dir, '--duration', String(durationS), '--bins', String(bins)], { encoding: 'utf8', timeout: 3_600_000 });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (r.status !== 0 || !line) return `Brian2 failed: ${(r.stderr || '').trim().split('\n').at(-1)}`;
  const j = JSON.parse(line) as { rate_hz: number; hist: number[]; run_s: number };
  return { seed, rateHz: j.rate_hz, hist: j.hist, runS: j.run_s };
}

/** Share of the weights in the lowest and in the highest tenth of [0, g_max]. */
function ends(hist: number[]): string {
  const n = hist.reduce((a, b) => a + b, 0);
  const tenth = Math.max(1, Math.round(hist.length / 10));
  const low = hist.slice(0, tenth).reduce((a, b) => a + b, 0) / n;
  const high = hist.slice(-tenth).reduce((a, b) => a + b, 0) / n;
  return `${(100 * low).toFixed(0)}% / ${(100 * high).toFixed(0)}%`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '1,2,3' }, duration: { type: 'string', default: '100' },
      bins: { type: 'string', default: '20' }, 'no-brian2': { type: 'boolean', default: false },
      'brian2-dir': { type: 'string', default: 'out/bench-brian2' },
    },
  });
  const seeds = values.seeds!.split(',').map(Number);
  const duration = Number(values.duration);
  const bins = Number(values.bins);
  const brian = !values['no-brian2'] && spawnSync(PYTHON, ['-c', 'import brian2'], { stdio: 'ignore' }).status === 0;
  console.log(`Song et al. (2000): 1000 Poisson inputs at 15 Hz → 1 LIF, additive STDP, ${duration} s, dt 0.1 ms`);
  console.log(`final weights in ${bins} bins over [0, g_max]; "ends": share in the lowest / highest tenth\n`);
  for (const seed of seeds) {
    const sf = runSpikeflow(seed, duration, bins);
    const b2 = brian ? runBrian2(seed, duration, bins, values['brian2-dir']!) : 'Brian2 not available (python3-brian)';
    console.log(`seed ${seed}`);
    console.log(`  Spikeflow CPU  rate ${sf.rateHz.toFixed(1)} Hz  run ${sf.runS.toFixed(1)} s  ends ${ends(sf.hist)}  [${sf.hist.join(' ')}]`);
    if (typeof b2 === 'string') console.log(`  ${b2}`);
    else console.log(`  Brian2 (cpp)   rate ${b2.rateHz.toFixed(1)} Hz  run ${b2.runS.toFixed(1)} s  ends ${ends(b2.hist)}  [${b2.hist.join(' ')}]`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
