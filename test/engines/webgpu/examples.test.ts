/**
 * Every example of assets/examples runs on the WebGPU engine (Dawn on SwiftShader here) and
 * on the CPU reference engine and agrees:
 *  - feed-forward examples (no recurrent spike edge) spike at the same steps, and every
 *    state trace agrees within TRACE_RTOL of its scale (f32 against f64, see below);
 *  - Poisson sources emit identical spike trains (a spike probe is added to each);
 *  - recurrent examples (chaotic: one f32 rounding changes later spikes) agree in mean rate
 *    within the seed-to-seed spread of the CPU engine.
 * Large examples are scaled down (neurons, connection probability kept at equal in-degree)
 * and shortened, since SwiftShader runs GPU code on the CPU.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import type { Plan } from '../../../src-main/compiler/plan.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import type { RecordingChunk } from '../../../src-main/engines/types.js';
import { blockDef } from '../../../kernels/index.js';
import { parseDocumentText } from '../../../src-shared/document/load.js';
import type { ProjectDocument } from '../../../src-shared/document/schema.js';
import { collectChunks } from '../../helpers/doc.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
const { createWebGpuEngine } = await import('../../../src-main/engines/webgpu/index.js');
type WebGpuEngine = import('../../../src-main/engines/webgpu/index.js').WebGpuEngine;

/**
 * Trace tolerance, per sample s of a trace x (CPU, f64) against y (GPU, f32):
 *   |y[s] − x[s]| ≤ TRACE_RTOL · max|x| + TRACE_SHIFT · max(|x[s] − x[s−1]|, |x[s+1] − x[s]|).
 * The first term is f32 resolution accumulated over the run: f32 holds about 7 digits
 * (ε = 6e-8) and contracting updates (exponential Euler, resets) keep the error at a few
 * hundred ε of the trace's scale (measured: ≤ 2e-5 over every example but the upstrokes
 * below). The second term allows a timing shift of 5 % of a step: during a spike's upstroke
 * (Izhikevich, HH) the membrane moves tens of mV per step, and the f32 trajectory reaches it
 * slightly earlier or later (measured: ≤ 3e-3 steps for HH and most cells; 2e-2 steps for the
 * fast-spiking Izhikevich cell after 13 spikes, whose inter-spike interval sits so close to a
 * step boundary that a 1e-7 relative change of one parameter moves its 18th spike by a step
 * in double precision too). Anything semantic (a wrong pass order, a lost input, a missed
 * spike) is off by far more.
 */
const TRACE_RTOL = 1e-4;
const TRACE_SHIFT = 0.05;
/** Sized blocks of a scaled example hold at most about this many neurons in total. */
const MAX_NEURONS = 400;
const MAX_DURATION_MS = 100;
const SPREAD_SEEDS = 5;

const EXAMPLES = join(import.meta.dirname, '../../../assets/examples');

interface Recorded {
  traces: Map<string, Float32Array[]>;
  spikes: Map<string, Array<[number, number]>>;
  rates: Map<string, number[]>;
}

function collect(plan: Plan, chunks: RecordingChunk[]): Recorded {
  const { traces, spikes, rates } = collectChunks(chunks);
  for (const p of plan.probes) if (p.kind === 'spikes' && !spikes.has(p.id)) spikes.set(p.id, []);
  return { traces: new Map([...traces].map(([k, v]) => [k, v.map((x) => Float32Array.from(x))])), spikes, rates };
}

function runCpu(plan: Plan) {
  const sim = new Simulation(plan);
  sim.advance(plan.steps);
  return { rec: collect(plan, sim.drain()), summary: sim.summary() };
}

async function runGpu(engine: WebGpuEngine, plan: Plan) {
  const chunks: RecordingChunk[] = [];
  const result = await engine.run(plan, { sink: { write: (c) => { chunks.push(c); } } });
  return { rec: collect(plan, chunks), result };
}

/** A smaller, shorter variant of an example, with a spike probe on every Poisson source. */
function variant(doc: ProjectDocument): ProjectDocument {
  const d = structuredClone(doc);
  const sized = d.blocks.filter((b) => b.size !== undefined && b.type !== 'spike-times');
  const total = sized.reduce((n, b) => n + b.size!, 0);
  if (total > MAX_NEURONS) {
    const f = MAX_NEURONS / total;
    const sizes = new Map<string, number>();
    for (const b of sized) {
      b.size = Math.max(1, Math.round(b.size! * f));
      sizes.set(b.id, b.size);
    }
    for (const b of d.blocks) {
      const c = b.connection;
      if (c?.rule === 'fixed-probability' && c.p !== undefined) c.p = Math.min(1, c.p / f);
      if (c?.rule === 'fixed-indegree' && c.indegree !== undefined) c.indegree = Math.max(1, Math.round(c.indegree * f));
      const neurons = b.params.neurons;
      if (Array.isArray(neurons)) {
        const edge = d.edges.find((e) => e.to.startsWith(`${b.id}.`));
        const size = edge ? sizes.get(edge.from.split('.')[0]!) : undefined;
        if (size !== undefined) b.params.neurons = (neurons as number[]).filter((n) => n < size);
      }
    }
  }
  for (const b of doc.blocks) {
    if (b.type !== 'poisson') continue;
    const id = `poisson_probe_${b.id}`;
    d.blocks.push({ id, type: 'spike-probe', params: {}, init: {} });
    d.edges.push({ from: `${b.id}.spikes`, to: `${id}.spikes` });
  }
  return d;
}

function durationOf(plan: Plan): string {
  return `${Math.min(plan.duration, MAX_DURATION_MS)} ms`;
}

/** Whether spikes of a neuron block reach back into its own strongly connected component. */
function isRecurrent(plan: Plan): boolean {
  return plan.projections.some((p) => p.lag - Math.round(p.delay / plan.dt) > 0 && blockDef(plan.blocks.find((b) => b.id === p.pre)!.type)?.category === 'neuron');
}

function expectTracesAgree(name: string, cpu: Recorded, gpu: Recorded): void {
  for (const [probe, channels] of cpu.traces) {
    const other = gpu.traces.get(probe);
    expect(other, `${name}: probe ${probe} recorded on the GPU`).toBeDefined();
    channels.forEach((a, ch) => {
      const b = other![ch]!;
      expect(b.length, `${name}: ${probe}[${ch}] samples`).toBe(a.length);
      let scale = 0;
      for (const x of a) scale = Math.max(scale, Math.abs(x));
      let worst = -Infinity, at = 0, tolAt = 0;
      for (let s = 0; s < a.length; s++) {
        const slope = Math.max(s > 0 ? Math.abs(a[s]! - a[s - 1]!) : 0, s + 1 < a.length ? Math.abs(a[s + 1]! - a[s]!) : 0);
        const tol = TRACE_RTOL * scale + TRACE_SHIFT * slope + 1e-9;
        const d = Math.abs(a[s]! - b[s]!);
        if (!(d - tol <= worst)) { worst = d - tol; at = s; tolAt = tol; }
      }
      const d = Math.abs(a[at]! - b[at]!);
      expect(d, `${name}: ${probe}[${ch}] differs by ${d} at sample ${at} (cpu ${a[at]}, gpu ${b[at]}; tolerance ${tolAt})`).toBeLessThanOrEqual(tolAt);
    });
  }
}

const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort();

describe('examples on the WebGPU engine agree with the CPU engine', async () => {
  const created = await createWebGpuEngine();
  const engine = 'engine' in created ? created.engine : null;
  afterAll(() => engine?.dispose());
  beforeAll(() => {
    if (!engine) console.warn(`WebGPU tests skipped: ${'unavailable' in created ? created.unavailable : ''}`);
  });

  it('finds the examples', () => {
    expect(files).toContain('ampa-lif.json');
    expect(files).toContain('coba.json');
  });

  for (const file of files) {
    it.skipIf(!engine)(file, async () => {
      const doc = variant(parseDocumentText(readFileSync(join(EXAMPLES, file), 'utf8'), file));
      const full = compile(doc);
      const plan = compile(doc, { duration: durationOf(full) });
      const cpu = runCpu(plan);
      const gpu = await runGpu(engine!, plan);
      expect(gpu.result.status).toBe('finished');
      expect(gpu.result.stepsDone).toBe(plan.steps);

      // Poisson sources: identical trains, recurrent or not.
      for (const [probe, list] of cpu.rec.spikes) {
        if (probe.startsWith('poisson_probe_')) expect(gpu.rec.spikes.get(probe), `${file}: ${probe}`).toEqual(list);
      }

      if (!isRecurrent(plan)) {
        for (const [probe, list] of cpu.rec.spikes) expect(gpu.rec.spikes.get(probe), `${file}: spikes of ${probe}`).toEqual(list);
        for (const [probe, r] of cpu.rec.rates) expect(gpu.rec.rates.get(probe), `${file}: rate ${probe}`).toEqual(r);
        expect(gpu.result.populations).toEqual(cpu.summary);
        expectTracesAgree(file, cpu.rec, gpu.rec);
        return;
      }

      // Recurrent: the mean rate of each population against the CPU's seed-to-seed spread.
      const bySeed = [cpu.summary];
      for (let k = 1; k < SPREAD_SEEDS; k++) bySeed.push(runCpu(compile(doc, { duration: durationOf(full), seed: plan.seed + k })).summary);
      for (const pop of gpu.result.populations) {
        const rates = bySeed.map((s) => s.find((x) => x.block === pop.block)!.rateHz);
        const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
        const sd = Math.sqrt(rates.reduce((a, b) => a + (b - mean) ** 2, 0) / (rates.length - 1));
        const tol = 3 * sd + 0.02 * mean + 0.5;
        expect(Math.abs(pop.rateHz - mean), `${file}: ${pop.block} rate ${pop.rateHz} Hz vs CPU ${rates.map((r) => r.toFixed(2)).join(', ')} Hz`).toBeLessThanOrEqual(tol);
      }
      // Before chaos sets in, the first spikes are the same.
      for (const [probe, list] of cpu.rec.spikes) {
        if (probe.startsWith('poisson_probe_') || list.length === 0) continue;
        const other = gpu.rec.spikes.get(probe)!;
        expect(other[0], `${file}: first spike of ${probe}`).toEqual(list[0]);
      }
    });
  }
});
