/**
 * The literature examples (issue #11) on Spikeflow's CPU engine beside Brian2 2.5.1, over
 * several seeds: Brunel (2000) model A at full size (NE = 10000, 1 s), Izhikevich (2003)
 * and CUBA (Brette et al. 2007). Per network and engine: mean rate of E and I, mean ISI CV,
 * the spectral peak of the E population rate (Brunel: the fast oscillation, 20–500 Hz;
 * Izhikevich: the alpha band, 2–20 Hz, and the gamma band, 20–80 Hz; CUBA: 2–200 Hz), the
 * synchrony χ and wall times (Spikeflow: compile and run in this process; Brian2: its
 * Network.run alone, runtime device with Cython, after a one-step run that compiles the
 * code). Brian2's networks are bench/brian2/literature.py, written from the papers; both
 * draw their own connectivity, so they agree in statistics, not spike for spike. The same
 * statistics (bench/spike-stats.ts) are computed from both engines' spikes.
 *
 *   npx tsx bench/literature.ts [--seeds 1,2,3] [--no-brian2] [--duration MS] [--networks brunel,izhikevich,cuba]
 *   (also part of `npm run bench`)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compile } from '../src-main/compiler/compile.js';
import { Simulation } from '../src-main/engines/cpu/simulation.js';
import { parseDocumentText } from '../src-shared/document/load.js';
import { runJsonChild } from './child-json.js';
import { meanIsiCv, meanRate, spectralPeak, synchrony, type Spikes } from './spike-stats.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./brian2/literature.py', import.meta.url));

interface Network {
  name: string;
  file: string;
  /** Bands of the E population rate's spectrum to report, [fMin, fMax] Hz. */
  bands: Array<[number, number]>;
}

const NETWORKS: Network[] = [
  { name: 'brunel', file: 'brunel-2000.json', bands: [[20, 500]] },
  { name: 'izhikevich', file: 'izhikevich-2003.json', bands: [[2, 20], [20, 80]] },
  { name: 'cuba', file: 'cuba.json', bands: [[2, 200]] },
];

interface Pops { E: { n: number; spikes: Spikes }; I: { n: number; spikes: Spikes } }
interface Measured { pops: Pops; dt: number; steps: number; wallS: number; setupS: number }

export interface LiteratureRow {
  network: string;
  engine: 'spikeflow-cpu' | 'brian2';
  seed: number;
  rateE: number;
  rateI: number;
  cvE: number;
  cvI: number;
  chiE: number;
  peaksHz: number[];
  runS: number;
  setupS: number;
}

function spikeflow(net: Network, seed: number, durationMs: number): Measured {
  const text = readFileSync(new URL(`../assets/examples/${net.file}`, import.meta.url), 'utf8');
  const t0 = performance.now();
  const plan = compile(parseDocumentText(text, net.file), { seed, duration: `${durationMs} ms` });
  const sim = new Simulation(plan);
  const t1 = performance.now();
  sim.advance(plan.steps);
  const t2 = performance.now();
  const lists = new Map<string, Array<[number, number]>>();
  for (const c of sim.drain()) {
    if (c.kind !== 'spikes') continue;
    const l = lists.get(c.probe) ?? [];
    for (let k = 0; k < c.steps.length; k++) l.push([c.steps[k]!, c.neurons[k]!]);
    lists.set(c.probe, l);
  }
  const size = (id: string) => plan.blocks.find((b) => b.id === id)!.size;
  return {
    pops: { E: { n: size('E'), spikes: lists.get('E_spikes') ?? [] }, I: { n: size('I'), spikes: lists.get('I_spikes') ?? [] } },
    dt: plan.dt, steps: plan.steps, wallS: (t2 - t1) / 1000, setupS: (t1 - t0) / 1000,
  };
}

interface Brian2Json {
  run_s: number; setup_s: number; dt_ms: number; steps: number;
  pops: Record<'E' | 'I', { n: number; steps: number[]; neurons: number[] }>;
}

async function brian2(net: Network, seed: number, durationMs: number): Promise<Measured> {
  const r = await runJsonChild<Brian2Json>(PYTHON, [SCRIPT, net.name, String(seed), '--duration', String(durationMs)], `Brian2 ${net.name}`,
    { env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
  const pop = (p: Brian2Json['pops']['E']) => ({ n: p.n, spikes: p.steps.map((s, k) => [s, p.neurons[k]!] as [number, number]) });
  return { pops: { E: pop(r.pops.E), I: pop(r.pops.I) }, dt: r.dt_ms, steps: r.steps, wallS: r.run_s, setupS: r.setup_s };
}

function row(net: Network, engine: LiteratureRow['engine'], seed: number, m: Measured): LiteratureRow {
  const { E, I } = m.pops;
  const skipMs = Math.min(100, (m.steps * m.dt) / 5);
  return {
    network: net.name, engine, seed,
    rateE: meanRate(E.spikes, E.n, m.steps, m.dt), rateI: meanRate(I.spikes, I.n, m.steps, m.dt),
    cvE: meanIsiCv(E.spikes, E.n), cvI: meanIsiCv(I.spikes, I.n),
    chiE: Math.sqrt(synchrony(E.spikes, E.n, m.steps, m.dt)),
    peaksHz: net.bands.map(([fMin, fMax]) => spectralPeak(E.spikes, m.steps, m.dt, { binMs: 0.5, fMin, fMax, skipMs }).hz),
    runS: m.wallS, setupS: m.setupS,
  };
}

const meanSd = (xs: number[], digits = 2) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return m.toFixed(digits);
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
  return `${m.toFixed(digits)} ± ${sd.toFixed(digits)}`;
};

/** Runs every network for every seed on both engines and prints a table (means ± sd over seeds); returns nothing for bench/run.ts to print again. */
export async function benchLiterature(opts: { seeds?: number[]; brian2?: boolean; durationMs?: number; networks?: string[] } = {}): Promise<void> {
  const seeds = opts.seeds ?? [1, 2, 3];
  const networks = NETWORKS.filter((n) => !opts.networks || opts.networks.includes(n.name));
  const durationMs = opts.durationMs ?? 1000;
  const rows: LiteratureRow[] = [];
  for (const net of networks) {
    for (const seed of seeds) {
      const s = row(net, 'spikeflow-cpu', seed, spikeflow(net, seed, durationMs));
      rows.push(s);
      let line = `  ${net.name} seed ${seed}: Spikeflow CPU ${s.runS.toFixed(2)} s, E ${s.rateE.toFixed(2)} Hz`;
      if (opts.brian2 !== false) {
        try {
          const b = row(net, 'brian2', seed, await brian2(net, seed, durationMs));
          rows.push(b);
          line += `; Brian2 ${b.runS.toFixed(2)} s, E ${b.rateE.toFixed(2)} Hz`;
        } catch (e) {
          line += `; Brian2 failed: ${(e as Error).message.split('\n')[0]}`;
        }
      }
      console.log(line);
    }
  }
  const header = ['network', 'engine', 'rate E Hz', 'per seed', 'rate I Hz', 'ISI CV E', 'ISI CV I', 'χ E', 'spectral peak(s) Hz', 'run s', 'setup s'];
  const table = networks.flatMap((net) => (['spikeflow-cpu', 'brian2'] as const).flatMap((engine) => {
    const rs = rows.filter((r) => r.network === net.name && r.engine === engine);
    if (rs.length === 0) return [];
    return [[net.name, engine, meanSd(rs.map((r) => r.rateE)), rs.map((r) => r.rateE.toFixed(1)).join('/'), meanSd(rs.map((r) => r.rateI)), meanSd(rs.map((r) => r.cvE), 3), meanSd(rs.map((r) => r.cvI), 3),
      meanSd(rs.map((r) => r.chiE), 3), net.bands.map((_, k) => `${net.bands[k]![0]}–${net.bands[k]![1]}: ${rs.map((r) => r.peaksHz[k]).join('/')}`).join('; '),
      meanSd(rs.map((r) => r.runS)), meanSd(rs.map((r) => r.setupS))]];
  }));
  const widths = header.map((h, k) => Math.max(h.length, ...table.map((r) => r[k]!.length)));
  console.log(`\nliterature networks, ${durationMs} ms, seeds ${seeds.join(', ')} (mean ± sd over seeds; peaks per seed)`);
  for (const r of [header, ...table]) console.log(r.map((c, k) => c.padEnd(widths[k]!)).join('  '));
  console.log('run s: Spikeflow CPU engine (one thread) stepping the network; Brian2: Network.run, runtime device, Cython, one thread.\n' +
    'setup s: Spikeflow compile (connectivity drawn); Brian2 construction, connectivity and code generation/compilation.');
}

const isEntry = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntry) {
  const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1,2,3' }, 'no-brian2': { type: 'boolean', default: false }, duration: { type: 'string', default: '1000' }, networks: { type: 'string' } } });
  benchLiterature({ seeds: values.seeds!.split(',').map(Number), brian2: !values['no-brian2'], durationMs: Number(values.duration), networks: values.networks?.split(',') }).catch((e: unknown) => {
    console.error(`bench: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
