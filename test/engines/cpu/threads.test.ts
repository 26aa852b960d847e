/**
 * The CPU engine on several threads (partition.ts) gives the recordings and spike counts of
 * one thread, bit for bit: every example, and models made to reach the parts a thread
 * split touches (sizes that do not divide, gather over a pre-state synapse, lag 0,
 * per-connection delays, rows not sorted by target, probes on neurons out of order), and
 * the first non-finite state found.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, type RunOverrides } from '../../../src-main/compiler/compile.js';
import type { Plan } from '../../../src-main/compiler/plan.js';
import { connectionStructure, continueFrom } from '../../../src-main/compiler/continue-from.js';
import { cpuThreads, runCpu } from '../../../src-main/engines/cpu/cpu-engine.js';
import { NonFiniteStateError, type RecordingChunk, type RunResult } from '../../../src-main/engines/types.js';
import type { ProjectDocument } from '../../../src-shared/document/schema.js';
import { parseDocument, parseDocumentText } from '../../../src-shared/document/load.js';
import { makeDoc } from '../../helpers/doc.js';

const EXAMPLES = new URL('../../../assets/examples/', import.meta.url);
const exampleText = (name: string) => readFileSync(new URL(name, EXAMPLES), 'utf8');

/** Every probe's recording as bytes (state values, spike steps and neurons, rate bins), in order. */
function recordings(chunks: RecordingChunk[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const push = (key: string, a: ArrayLike<number>, bytes: boolean) => {
    const list = out.get(key) ?? [];
    // Bytes of f32 data: identical numbers, NaN payloads included, not just equal ones.
    const view = bytes ? new Uint8Array((a as Float32Array).buffer, (a as Float32Array).byteOffset, (a as Float32Array).byteLength) : a;
    for (let k = 0; k < view.length; k++) list.push(view[k]!);
    out.set(key, list);
  };
  for (const c of chunks) {
    if (c.kind === 'state') { out.set(`${c.probe} channels`, [c.channels]); push(c.probe, c.values, true); }
    else if (c.kind === 'spikes') { push(`${c.probe} steps`, c.steps, false); push(`${c.probe} neurons`, c.neurons, false); }
    else push(c.probe, c.values, true);
  }
  return out;
}

async function run(plan: Plan, threads: number): Promise<{ result: RunResult; rec: Map<string, number[]> }> {
  const chunks: RecordingChunk[] = [];
  const result = await runCpu(plan, { threads, sink: { write: (c) => { chunks.push(c); } } });
  return { result, rec: recordings(chunks) };
}

async function expectSameOnThreads(doc: ProjectDocument, overrides: RunOverrides = {}): Promise<void> {
  await expectSamePlanOnThreads(() => compile(doc, overrides));
}

/** `plan()`: a new plan each time (a run may not be given a plan another has used). */
async function expectSamePlanOnThreads(plan: () => Plan): Promise<void> {
  const one = await run(plan(), 1);
  for (const threads of [2, 3]) {
    const many = await run(plan(), threads);
    expect(many.result.threads).toBe(threads);
    expect(many.result.stepsDone).toBe(one.result.stepsDone);
    expect(many.result.populations).toEqual(one.result.populations);
    // Plastic synapses: every connection's final weight, states and last event, bit for bit.
    expect(many.result.connectionStates).toEqual(one.result.connectionStates);
    expect([...many.rec.keys()].sort()).toEqual([...one.rec.keys()].sort());
    for (const [key, values] of one.rec) expect(many.rec.get(key), `${key} on ${threads} threads`).toEqual(values);
  }
}

/** Examples shortened for CI time; the large ones also shrunk. */
function shortened(name: string): { doc: ProjectDocument; overrides: RunOverrides } {
  const raw = JSON.parse(exampleText(name)) as { blocks: Array<{ size?: number; connection?: { p?: number; indegree?: number } }> };
  const large = raw.blocks.some((b) => (b.size ?? 0) > 1000);
  for (const b of large ? raw.blocks : []) {
    if (b.size !== undefined) b.size = Math.round(b.size / 10);
    if (b.connection?.indegree !== undefined) b.connection.indegree = Math.max(1, Math.round(b.connection.indegree / 10));
  }
  return { doc: parseDocument(raw), overrides: { duration: '60 ms' } };
}

describe('CPU engine on several threads', () => {
  const names = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort();
  it.each(names)('%s: the same recordings on 1, 2 and 3 threads', async (name) => {
    const { doc, overrides } = shortened(name);
    await expectSameOnThreads(doc, overrides);
  }, 60_000);

  it('a gather over a pre-state synapse, sizes that do not divide, probes out of order', async () => {
    const raw = JSON.parse(exampleText('hh-graded-hh.json')) as { blocks: Array<Record<string, unknown>> };
    for (const b of raw.blocks) {
      if (b.id === 'pre') b.size = 7;
      if (b.id === 'post') b.size = 5;
      if (b.id === 'syn') b.connection = { rule: 'fixed-probability', p: 0.6, weight: '0.2 uS' };
      if (b.id === 'post_V') b.params = { state: 'V', neurons: [4, 0, 2, 3] };
      if (b.id === 'syn_s') b.params = { state: 's', neurons: [6, 1] };
    }
    await expectSameOnThreads(parseDocument(raw), { duration: '40 ms' });
  }, 60_000);

  it('per-connection delays and rows not in target order, lag 0', async () => {
    const pairs: Array<[number, number, string, string]> = [];
    for (let i = 0; i < 11; i++) for (let m = 0; m < 4; m++) pairs.push([i, (7 * i + 5 * m + 3) % 9, `${0.5 + m} nS`, `${(i + m) % 4} ms`]);
    const doc = makeDoc([
      { id: 'src', type: 'poisson', size: 11, params: { rate: '300 Hz' } },
      { id: 'src2', type: 'poisson', size: 9, params: { rate: '100 Hz' } },
      { id: 'syn', type: 'exponential', params: { tau: '3 ms' }, connection: { rule: 'pairs', pairs } },
      { id: 'fast', type: 'exponential', params: { tau: '2 ms' }, connection: { rule: 'one-to-one', weight: '2 nS' } },
      { id: 'cells', type: 'lif', size: 9 },
      { id: 'V', type: 'state-probe', params: { state: 'V', neurons: [8, 0, 4, 5] } },
      { id: 'g', type: 'state-probe', params: { state: 'g', neurons: [3, 7] } },
      { id: 'spikes', type: 'spike-probe' },
      { id: 'rate', type: 'rate-probe', params: { bin: '5 ms' } },
    ], ['src.spikes->syn.pre', 'syn.post->cells.I', 'src2.spikes->fast.pre', 'fast.post->cells.I', 'cells.V->V.target', 'syn.post->g.target', 'cells.spikes->spikes.spikes', 'cells.spikes->rate.spikes'], { duration: '50 ms' });
    const plan = compile(doc);
    expect(plan.projections.some((p) => p.maxLag !== undefined)).toBe(true);
    await expectSameOnThreads(doc);
  }, 60_000);

  it('plastic synapses, each connection stepped by the worker of its target: weight probes, snapshots, the final state, and a run continuing it', async () => {
    const doc = makeDoc([
      { id: 'src', type: 'poisson', size: 23, params: { rate: '60 Hz' } },
      // Given spike times: a source every worker computes in full (partition.ts, replicated).
      { id: 'times', type: 'spike-times', size: 23, params: { spikes: Array.from({ length: 60 }, (_, n) => [[0, 5, 9, 22][n % 4]!, `${(n * 1.3).toFixed(1)} ms`]) } },
      // Lag 0 (no delay) and a delay; rows in target order (drawn) and not (pairs).
      { id: 'stdp', type: 'stdp', params: { A_pre: 0.05, A_post: -0.055 }, connection: { rule: 'fixed-probability', p: 0.5, weight: { dist: 'uniform', low: '0 uS', high: '0.01 uS' }, delay: '0 ms' } },
      { id: 'tri', type: 'triplet-stdp', connection: { rule: 'pairs', pairs: [[0, 6, '0.01 uS'], [0, 2, '0.02 uS'], [5, 0, '0.01 uS'], [5, 6, '0.03 uS'], [9, 3, '0.02 uS'], [9, 1, '0.01 uS'], [22, 4, '0.02 uS']], delay: '1.5 ms' } },
      { id: 'drive', type: 'poisson', size: 7, params: { rate: '150 Hz' } },
      { id: 'kick', type: 'delta', connection: { rule: 'one-to-one', weight: '30 mV' } },
      { id: 'cells', type: 'lif', size: 7, params: { tau_ref: '1 ms' } },
      { id: 'w', type: 'state-probe', params: { state: 'w', neurons: [40, 3, 17, 0, 31] } },
      { id: 'wt', type: 'state-probe', params: { state: 'w' } },
      { id: 'snap', type: 'weight-snapshots', params: { interval: '10 ms' } },
      { id: 'sp', type: 'spike-probe' },
    ], [
      'src.spikes -> stdp.pre', 'stdp.post -> cells.I', 'times.spikes -> tri.pre', 'tri.post -> cells.I', 'drive.spikes -> kick.pre', 'kick.post -> cells.J',
      'stdp.post -> w.target', 'tri.post -> wt.target', 'stdp.post -> snap.target', 'cells.spikes -> sp.spikes',
    ], { duration: '80 ms' });
    await expectSamePlanOnThreads(() => compile(doc));
    // The model learned: weights moved, on_pre and on_post both ran.
    const first = await run(compile(doc), 2);
    for (const synapse of ['stdp', 'tri']) {
      const w0 = compile(doc).projections.find((p) => p.synapse === synapse)!.byPre.w;
      const learned = first.result.connectionStates!.find((c) => c.synapse === synapse)!;
      expect(learned.w.some((w, c) => Math.abs(w - w0[c]!) > 1e-6), synapse).toBe(true);
    }
    expect(first.result.populations.find((p) => p.block === 'cells')!.spikes).toBeGreaterThan(20);
    // A run continuing the threaded one, itself on threads: as on one thread.
    const plan = compile(doc);
    const stored = first.result.connectionStates!.map((c) => ({ ...c, structure: connectionStructure(plan, plan.projections.find((p) => p.synapse === c.synapse)!) }));
    await expectSamePlanOnThreads(() => { const continued = compile(doc); continueFrom(continued, 1, stored); return continued; });
  }, 60_000);

  it('stops between chunks when asked, on every thread', async () => {
    const plan = compile(parseDocumentText(exampleText('coba.json')), { duration: '100 s' });
    const controller = new AbortController();
    const result = await runCpu(plan, {
      threads: 2,
      onProgress: (p) => { if (p.step > 500) controller.abort(); },
      signal: controller.signal,
    });
    expect(result).toMatchObject({ status: 'cancelled', threads: 2 });
    expect(result.stepsDone).toBeGreaterThan(500);
    expect(result.stepsDone).toBeLessThan(plan.steps);
  }, 60_000);

  it('names the same first non-finite state as one thread', async () => {
    const doc = makeDoc([
      { id: 'drive', type: 'constant-current', params: { amplitude: '1e10 nA', start: '5 ms' } },
      { id: 'cells', type: 'lif', size: 6, params: { R: '1e300 Mohm' } },
    ], ['drive.I -> cells.I'], { duration: '20 ms' });
    const errors = await Promise.all([1, 2, 3].map((threads) => runCpu(compile(doc), { threads }).catch((e: unknown) => e)));
    // Which state and neuron, and the time window too: the grid of checks (not the chunks,
    // whose lengths follow the wall clock) sets it.
    const named = errors.map((e) => { expect(e).toBeInstanceOf(NonFiniteStateError); const f = e as NonFiniteStateError; return [f.block, f.state, f.neuron, f.fromMs, f.toMs, f.message]; });
    expect(named).toEqual([named[0], named[0], named[0]]);
    expect(named[0]!.slice(3, 5)).toEqual([0, 10]);
  }, 60_000);

  it('chooses all cores but one (both of two), no more than the model is worth or the load leaves idle', () => {
    // What the choice reads of a plan: block sizes, connection counts, steps.
    // On an idle machine (load 0); the last: a busy one.
    const cpuThreads0 = (plan: Plan, requested: number | undefined, cores: number) => cpuThreads(plan, requested, cores, 0);
    const sized = (neurons: number, connections: number, steps: number) => ({
      steps, blocks: [{ size: neurons }], projections: [{ byPre: { idx: { length: connections } } }],
    }) as unknown as Plan;
    expect(cpuThreads0(sized(4000, 320_000, 10_000), undefined, 2)).toBe(1); // COBA 4000: one thread is faster
    expect(cpuThreads0(sized(64_000, 5_120_000, 10_000), undefined, 2)).toBe(2);
    expect(cpuThreads0(sized(64_000, 5_120_000, 10_000), undefined, 1)).toBe(1);
    expect(cpuThreads0(sized(256_000, 20_480_000, 10_000), undefined, 16)).toBe(15);
    expect(cpuThreads0(sized(64_000, 5_120_000, 10_000), undefined, 64)).toBe(16); // 10 000 elements (a connection: 1/50) per thread
    expect(cpuThreads0(sized(64_000, 5_120_000, 10), undefined, 8)).toBe(1); // a short run
    expect(cpuThreads0(sized(4000, 320_000, 10_000), 5, 2)).toBe(5); // asked for
    expect(cpuThreads(sized(64_000, 5_120_000, 10_000), undefined, 2, 5.2)).toBe(1); // both cores busy with other work
    expect(cpuThreads(sized(64_000, 5_120_000, 10_000), undefined, 2, 2.9)).toBe(2); // not oversubscribed
    expect(cpuThreads(sized(256_000, 20_480_000, 10_000), undefined, 16, 20.5)).toBe(12);
    expect(cpuThreads(sized(64_000, 5_120_000, 10_000), 2, 2, 5.2)).toBe(2);
  });
});
