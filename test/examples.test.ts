/**
 * The bundled example projects (issue 2, section 7): every file in assets/examples/ is a
 * valid document that compiles and runs on the CPU engine, and each shows the behaviour its
 * description promises.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../src-main/compiler/compile.js';
import { parseDocumentText } from '../src-shared/document/load.js';
import { runDoc, type RunOutput } from './helpers/doc.js';

const DIR = new URL('../assets/examples/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const load = (name: string) => parseDocumentText(readFileSync(new URL(name, DIR), 'utf8'), name);

/** Neuron updates (neurons × steps) above which an example runs for SHORT_RUN only. */
const LARGE_UPDATES = 2e7;
const SHORT_RUN = '20 ms';

const cache = new Map<string, RunOutput>();
/** Runs an example once per file (a few tests read the same run). */
function run(name: string): RunOutput {
  if (!cache.has(name)) cache.set(name, runDoc(load(name)));
  return cache.get(name)!;
}

const trace = (out: RunOutput, probe: string) => out.traces.get(probe)![0]!;
const spikeTimes = (out: RunOutput, probe: string, dt = 0.1) => (out.spikes.get(probe) ?? []).map(([s]) => s * dt);
const intervals = (t: number[]) => t.slice(1).map((x, k) => x - t[k]!);
const argmax = (xs: number[], from = 0, to = xs.length) => {
  let best = from;
  for (let k = from; k < to; k++) if (xs[k]! > xs[best]!) best = k;
  return best;
};

describe('example projects', () => {
  it('include every example the issue names, plus Poisson, delay and ramp/step examples', () => {
    for (const name of [
      'ampa-lif.json', 'gabaa-lif.json', 'nmda-lif.json', 'izhikevich-rs.json', 'izhikevich-fs.json', 'izhikevich-ib.json',
      'izhikevich-ch.json', 'hh-dualexp-hh.json', 'hh-graded-hh.json', 'coba.json', 'poisson-exp-lif.json', 'regular-alpha-lif.json', 'ramp-lif.json',
    ]) expect(FILES).toContain(name);
  });

  it('use every block of the library at least once', async () => {
    const { BLOCKS } = await import('../kernels/index.js');
    const used = new Set(FILES.flatMap((f) => load(f).blocks.map((b) => b.type)));
    expect(BLOCKS.map((b) => b.type).filter((t) => !used.has(t))).toEqual([]);
    const delays = FILES.flatMap((f) => load(f).blocks.filter((b) => b.connection && b.connection.delay !== 0 && b.connection.delay !== '0 ms'));
    expect(delays.length).toBeGreaterThan(0);
  });

  for (const name of FILES) {
    it(`${name}: is documented, laid out, and compiles`, () => {
      const doc = load(name);
      expect(doc.name.length).toBeGreaterThan(3);
      expect(doc.description.length).toBeGreaterThan(80);
      const positions = doc.blocks.map((b) => b.position);
      expect(positions.every(Boolean), 'every block has an editor position').toBe(true);
      expect(new Set(positions.map((p) => `${p!.x},${p!.y}`)).size).toBe(positions.length);
      const plan = compile(doc);
      expect(plan.probes.length).toBeGreaterThan(0);
      // Probe ids become CSV file names: plain words.
      for (const p of plan.probes) expect(p.id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    });
  }

  for (const name of FILES.filter((f) => f !== 'coba.json')) {
    it(`${name}: runs to the end with finite recordings`, () => {
      // The literature networks (brunel-2000: 12 500 neurons, 1.25e6 connections) run for a
      // shortened time here; test/examples/literature.test.ts checks their statistics.
      const doc = load(name);
      const steps = parseFloat(String(doc.run.duration)) / parseFloat(String(doc.run.dt)); // the examples give both in ms
      const large = doc.blocks.reduce((n, b) => n + (b.size ?? 0), 0) * steps > LARGE_UPDATES;
      const out = large ? runDoc(doc, { duration: SHORT_RUN }) : run(name);
      expect(out.sim.step).toBe(out.plan.steps);
      for (const [probe, channels] of out.traces) {
        // A sample every `every` steps (every step, but for weight snapshots), sample 0 the initial state.
        const p = out.plan.probes.find((x) => x.id === probe);
        const every = p?.kind === 'state' ? p.every : 1;
        for (const ch of channels) {
          expect(ch.length, probe).toBe(Math.floor(out.plan.steps / every) + 1);
          expect(ch.every(Number.isFinite), probe).toBe(true);
        }
      }
    });
  }

  it('ampa-lif: g peaks 0.5 ms after each spike at about 0.21; subthreshold EPSPs summate', () => {
    const out = run('ampa-lif.json');
    const g = trace(out, 'g');
    const V = trace(out, 'V');
    for (const ts of [10, 30, 50, 70]) {
      const s = ts * 10;
      const peak = argmax(g, s, s + 100);
      expect(peak).toBe(s + 5);
      expect(g[peak]!).toBeGreaterThan(0.208);
      expect(g[peak]!).toBeLessThan(0.215);
      // The EPSP peaks about 10 ms later (tau 20 ms), when the synaptic current has fallen to the leak.
      const vPeak = argmax(V, s, s + 190);
      expect(vPeak - s).toBeGreaterThan(50);
      expect(vPeak - s).toBeLessThan(150);
    }
    expect(out.spikes.get('spikes') ?? []).toEqual([]);
    expect(Math.max(...V)).toBeGreaterThan(-57);
    expect(Math.max(...V)).toBeLessThan(-50);
    expect(V[argmax(V, 700, 1000)]!).toBeGreaterThan(V[argmax(V, 100, 300)]!); // summation
  });

  it('gabaa-lif: each spike gives an IPSP below −60 mV; the neuron never fires', () => {
    const out = run('gabaa-lif.json');
    const g = trace(out, 'g');
    const V = trace(out, 'V');
    for (const ts of [10, 30, 50, 70]) expect(argmax(g, ts * 10, ts * 10 + 100)).toBe(ts * 10 + 10);
    expect(g[110]!).toBeCloseTo(0.3795, 3);
    expect(Math.max(...V)).toBe(-60);
    expect(Math.min(...V)).toBeLessThan(-61.5);
    expect(Math.min(...V)).toBeGreaterThan(-80);
    expect(out.spikes.get('spikes') ?? []).toEqual([]);
  });

  it('nmda-lif: slow, summating conductance with a ~100 ms decay; Mg-blocked depolarisation', () => {
    const out = run('nmda-lif.json');
    const g = trace(out, 'g');
    const x = trace(out, 'x');
    const V = trace(out, 'V');
    expect(Math.max(...x)).toBeGreaterThan(0.3);
    expect(Math.max(...x)).toBeLessThan(0.4);
    // Each spike adds on top of the last: the peak after the fourth exceeds the peak after the first.
    expect(Math.max(...g.slice(700, 1000))).toBeGreaterThan(Math.max(...g.slice(100, 300)));
    const peak = argmax(g);
    expect(peak * 0.1).toBeGreaterThan(70);
    expect(peak * 0.1).toBeLessThan(80);
    // Decay with beta1 = 0.01 /ms: over 100 ms it loses a factor of about e (the rise adds a little).
    const ratio = g[peak + 1000]! / g[peak]!;
    expect(ratio).toBeGreaterThan(0.3);
    expect(ratio).toBeLessThan(0.45);
    expect(Math.max(...V)).toBeGreaterThan(-58);
    expect(Math.max(...V)).toBeLessThan(-50);
    expect(V.at(-1)!).toBeLessThan(-59); // recovering towards rest by 300 ms
    expect(out.spikes.get('spikes') ?? []).toEqual([]);
  });

  it('izhikevich-rs: tonic spiking with adaptation', () => {
    const out = run('izhikevich-rs.json');
    const isi = intervals(spikeTimes(out, 'spikes'));
    expect(isi.length + 1).toBeGreaterThanOrEqual(4);
    expect(isi[0]!).toBeLessThan(0.75 * isi.at(-1)!);
    expect(Math.min(...isi)).toBeGreaterThan(10);
    expect(Math.abs(isi.at(-1)! - isi.at(-2)!)).toBeLessThan(0.5);
    const u = trace(out, 'u');
    expect(u.at(-1)!).toBeGreaterThan(u[0]!); // the recovery variable has built up
  });

  it('izhikevich-fs: fast tonic spiking', () => {
    const isi = intervals(spikeTimes(run('izhikevich-fs.json'), 'spikes'));
    expect(isi.length + 1).toBeGreaterThanOrEqual(20);
    const late = isi.slice(3);
    const mean = late.reduce((a, b) => a + b, 0) / late.length;
    expect(mean).toBeLessThan(10);
    for (const x of late) expect(Math.abs(x - mean)).toBeLessThan(0.1 * mean);
  });

  it('izhikevich-ib: an initial burst, then tonic spikes', () => {
    const isi = intervals(spikeTimes(run('izhikevich-ib.json'), 'spikes'));
    const burst = isi.findIndex((x) => x >= 6);
    expect(burst).toBeGreaterThanOrEqual(2);
    const tail = isi.slice(burst);
    expect(tail.length).toBeGreaterThanOrEqual(3);
    for (const x of tail) expect(x).toBeGreaterThan(20);
  });

  it('izhikevich-ch: repeated bursts', () => {
    const isi = intervals(spikeTimes(run('izhikevich-ch.json'), 'spikes'));
    const bursts: number[][] = [[]];
    for (const x of isi) { if (x > 30) bursts.push([]); else bursts.at(-1)!.push(x); }
    expect(bursts.length).toBeGreaterThanOrEqual(3);
    for (const b of bursts) {
      expect(b.length).toBeGreaterThanOrEqual(2);
      for (const x of b) expect(x).toBeLessThan(8);
    }
  });

  it('hh-dualexp-hh: the 5 nA cell fires repetitively and the second cell follows each spike', () => {
    const out = run('hh-dualexp-hh.json');
    const pre = spikeTimes(out, 'pre_spikes');
    const post = spikeTimes(out, 'post_spikes');
    expect(pre.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...trace(out, 'pre_V'))).toBeGreaterThan(20);
    expect(Math.max(...trace(out, 'post_V'))).toBeGreaterThan(20);
    // One postsynaptic spike per presynaptic one (the last may fall after the end), 3–8 ms later.
    expect(post.length).toBeGreaterThanOrEqual(pre.length - 1);
    post.forEach((t, k) => {
      expect(t - pre[k]!).toBeGreaterThan(3);
      expect(t - pre[k]!).toBeLessThan(8);
    });
    const g = trace(out, 'syn_g');
    expect(Math.max(...g)).toBeGreaterThan(0.07);
    expect(Math.max(...g)).toBeLessThan(0.12);
  });

  it('hh-graded-hh: presynaptic spikes open the graded synapse; the second cell fires repetitively', () => {
    const out = run('hh-graded-hh.json');
    const pre = spikeTimes(out, 'pre_spikes');
    const s = trace(out, 'syn_s');
    expect(pre.length).toBeGreaterThanOrEqual(5);
    for (const t of pre) expect(Math.max(...s.slice(Math.round(t * 10), Math.round(t * 10) + 20))).toBeGreaterThan(0.9);
    expect(Math.min(...s.slice(Math.round(pre[0]! * 10) + 20))).toBeGreaterThan(0.6);
    const post = spikeTimes(out, 'post_spikes');
    expect(post.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...trace(out, 'post_V'))).toBeGreaterThan(0);
  });

  it('poisson-exp-lif: 20 Hz inputs drive irregular firing in every LIF cell', () => {
    const out = run('poisson-exp-lif.json');
    const inputs = out.spikes.get('input_spikes')!;
    const p = 20 * 0.1 / 1000;
    const mean = 100 * 10000 * p;
    expect(Math.abs(inputs.length - mean)).toBeLessThan(4 * Math.sqrt(mean));
    const cells = out.spikes.get('cell_spikes')!;
    const rate = cells.length / 10;
    expect(rate).toBeGreaterThan(10);
    expect(rate).toBeLessThan(60);
    expect(new Set(cells.map(([, k]) => k)).size).toBe(10);
    const t0 = cells.filter(([, k]) => k === 0).map(([s]) => s * 0.1);
    const isi = intervals(t0);
    const m = isi.reduce((a, b) => a + b, 0) / isi.length;
    const cv = Math.sqrt(isi.reduce((a, b) => a + (b - m) ** 2, 0) / isi.length) / m;
    expect(cv).toBeGreaterThan(0.3);
    // The same seed gives the same trains.
    expect(runDoc(load('poisson-exp-lif.json'), { duration: '200 ms' }).spikes.get('input_spikes')).toEqual(inputs.filter(([s]) => s < 2000));
  });

  it('regular-alpha-lif: delayed EPSPs are subthreshold except during the current step', () => {
    const out = run('regular-alpha-lif.json');
    expect(spikeTimes(out, 'clock_spikes')).toEqual(Array.from({ length: 15 }, (_, k) => expect.closeTo(10 + 20 * k, 6)));
    const g = trace(out, 'syn_g');
    // Clock spike in step 100 + 3 ms of delay: h jumps in step 130, g moves in step 131 (sample 132).
    expect(g.findIndex((x) => x > 0)).toBe(132);
    const cell = spikeTimes(out, 'cell_spikes');
    expect(cell.length).toBe(5);
    for (const t of cell) {
      expect(t).toBeGreaterThanOrEqual(100);
      expect(t).toBeLessThan(200);
      const since = (t - 10) % 20; // time since the last clock spike
      expect(since).toBeGreaterThan(5);
      expect(since).toBeLessThan(9);
    }
  });

  it('ramp-lif: silent below the rheobase of 15 nA, then firing faster and faster', () => {
    const t = spikeTimes(run('ramp-lif.json'), 'cell_spikes');
    expect(t[0]).toBeGreaterThan(150);
    expect(t[0]).toBeLessThan(170);
    const isi = intervals(t);
    for (let k = 1; k < isi.length; k++) expect(isi[k]!).toBeLessThan(isi[k - 1]!);
  });

  it('coba: sustains asynchronous activity for the whole second at about 20 Hz', () => {
    const out = runDoc(load('coba.json'));
    const [E, I] = out.sim.summary();
    expect(E!.block).toBe('E');
    expect(E!.rateHz).toBeGreaterThan(10);
    expect(E!.rateHz).toBeLessThan(30);
    expect(I!.rateHz).toBeGreaterThan(10);
    expect(I!.rateHz).toBeLessThan(30);
    // Activity does not die out: every 100 ms window has excitatory spikes.
    const rE = out.rates.get('rate_E')!;
    expect(rE.length).toBe(1000);
    for (let w = 0; w < 10; w++) {
      const mean = rE.slice(w * 100, (w + 1) * 100).reduce((a, b) => a + b, 0) / 100;
      expect(mean, `window ${w}`).toBeGreaterThan(2);
    }
    // Asynchronous: no 1-ms bin holds more than a fifth of the population.
    expect(Math.max(...rE)).toBeLessThan(200);
  });
});
