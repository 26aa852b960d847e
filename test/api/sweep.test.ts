/**
 * Sweeps through the service, over a real lab file and the real engines: a 3-value sweep
 * stores 3 runs of one project version, tagged with one sweep, whose recordings equal 3
 * separate runs with those values (side by side on the WebGPU engine where an adapter
 * exists — SwiftShader here — and one after another on the CPU engine); seeds; stopping
 * one copy stops them all; wrong sweeps are refused naming what is wrong; and without an
 * adapter a WebGPU sweep runs on the CPU engine and says so instead of refusing. Also the
 * renderer's side: the sweep form's values and the run history's grouping.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineName, RunInfo } from '../../src-shared/api.js';
import type { ProjectDocument } from '../../src-shared/document/schema.js';
import { dispatch } from '../../src-main/api/dispatch.js';
import { blockDef, type QuantityParam } from '../../kernels/index.js';
import { historyItems, parseSeeds, parseSweepValues } from '../../src-renderer/lib/sweep.js';
import { runWithoutGpu } from '../helpers/no-gpu.js';
import { makeHarness, type Harness } from './harness.js';


let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(async () => {
  await h.close();
});

const TAUS = ['2 ms', '5 ms', '10 ms'];

/** The Poisson → exponential synapse → LIF example, shortened. */
async function example(): Promise<{ doc: ProjectDocument; projectId: number }> {
  const doc = await h.service.loadExample('poisson-exp-lif.json');
  doc.run.duration = '150 ms';
  const { project } = await h.service.createProject('Sweep', doc);
  return { doc, projectId: project.id };
}

function withTau(doc: ProjectDocument, tau: string): ProjectDocument {
  const copy = structuredClone(doc);
  copy.blocks.find((b) => b.id === 'syn')!.params.tau = tau;
  return copy;
}

const ended = (runs: RunInfo[], timeoutMs = 60_000) => Promise.all(runs.map((r) => h.waitFor('run-ended', (e) => e.id === r.id, timeoutMs)));

/** Everything a run recorded, read back from the store. */
async function recordings(run: RunInfo): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const p of run.probes) {
    if (p.kind === 'spikes') {
      const s = await h.service.readSpikes(run.id, p.id, {});
      out[p.id] = { t: s.t, neuron: s.neuron };
    } else {
      const tr = await h.service.readTrace(run.id, p.id, { maxPoints: 100_000 });
      expect(tr.decimated).toBe(false);
      out[p.id] = { t: tr.t, series: tr.series };
    }
  }
  return out;
}

/**
 * Recordings of two runs alike: equal, except that on a hardware GPU a copy of a batch
 * (its parameters read from a table) may round a state differently from a run with the
 * parameter folded into the code: state traces then agree within 1e-4 of their scale, as
 * in the engine's own batch tests. (On SwiftShader and the CPU they are equal.)
 */
function expectSameRecordings(a: Record<string, unknown>, b: Record<string, unknown>, engine: EngineName, label: string): void {
  if (engine !== 'webgpu') return void expect(a, label).toEqual(b);
  expect(Object.keys(a), label).toEqual(Object.keys(b));
  for (const probe of Object.keys(a)) {
    const x = a[probe] as { t: number[]; series?: Array<{ min: number[]; max: number[] }> };
    const y = b[probe] as typeof x;
    if (!x.series) {
      expect(x, `${label}: ${probe}`).toEqual(y);
      continue;
    }
    expect(x.t, `${label}: ${probe}`).toEqual(y.t);
    x.series.forEach((s, j) => {
      const scale = s.min.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      s.min.forEach((v, i) => expect(Math.abs(v - y.series![j]!.min[i]!), `${label}: ${probe}[${j}] sample ${i}`).toBeLessThanOrEqual(1e-4 * scale));
    });
  }
}

async function webGpuAvailable(): Promise<boolean> {
  const { createWebGpuEngine } = await import('../../src-main/engines/webgpu/index.js');
  const r = await createWebGpuEngine();
  if ('engine' in r) r.engine.dispose();
  return 'engine' in r;
}

describe('sweeps', () => {
  for (const engine of ['webgpu', 'cpu'] as const satisfies EngineName[]) {
    it(`a 3-value sweep on the ${engine} engine stores 3 runs equal to 3 separate runs with those values`, async (ctx) => {
      if (engine === 'webgpu' && !(await webGpuAvailable())) return ctx.skip();
      const { doc, projectId } = await example();
      const started = await h.service.startSweep({ projectId, document: doc, engine, sweep: { block: 'syn', param: 'tau', values: TAUS } });
      expect(started).toHaveLength(3);
      expect(started.every((r) => r.status === 'running')).toBe(true);
      const runs = await ended(started);

      // One project version, one sweep, a label per copy, every run finished on the engine asked for.
      const versions = await h.service.listVersions(projectId);
      expect(versions).toHaveLength(1);
      for (const [k, r] of runs.entries()) {
        expect(r).toMatchObject({ status: 'finished', engine, projectId, versionId: versions[0]!.id, seed: 7, durationMs: 150 });
        expect(r.sweep).toEqual({
          id: started[0]!.sweep!.id, label: 'syn.tau = 2 ms, 5 ms, 10 ms', copyLabel: `syn.tau = ${TAUS[k]}`,
          index: k, count: 3, block: 'syn', param: 'tau', value: TAUS[k],
        });
      }
      if (engine === 'cpu') expect(runs[0]!.message).toMatch(/the 3 copies run one after another/);
      else expect(runs[0]!.message).toBeNull();
      // The history lists them with their tags.
      const listed = await h.service.listRuns(projectId);
      expect(listed.map((r) => r.id).sort()).toEqual(started.map((r) => r.id).sort());
      expect(new Set(listed.map((r) => r.sweep?.id)).size).toBe(1);

      // Progress was streamed for every copy, up to the end.
      for (const r of started) {
        const last = h.events.filter((e) => e.event === 'run-progress' && e.payload.runId === r.id).at(-1);
        expect(last?.payload).toMatchObject({ step: 1500, steps: 1500 });
      }

      // The same values as separate runs: the same recordings.
      const sweptData = await Promise.all(runs.map(recordings));
      for (const [k, tau] of TAUS.entries()) {
        const single = withTau(doc, tau);
        const run = await h.service.startRun({ projectId, document: single, engine });
        const [alone] = await ended([run]);
        expect(alone!.status).toBe('finished');
        expect(alone!.populations).toEqual(runs[k]!.populations);
        expectSameRecordings(await recordings(alone!), sweptData[k]!, engine, `syn.tau = ${tau}`);
      }
      // The values matter: the copies differ.
      expect(sweptData[0]).not.toEqual(sweptData[2]);
    }, 120_000);
  }

  it('sweeps seeds, alone or with values, counting up from the run seed', async () => {
    const { doc, projectId } = await example();
    const seedsOnly = await h.service.startSweep({ projectId, document: doc, engine: 'cpu', sweep: null, seeds: 2, seed: 40, duration: '20 ms' });
    const a = await ended(seedsOnly);
    expect(a.map((r) => [r.seed, r.sweep?.copyLabel, r.sweep?.label])).toEqual([[40, 'seed 40', '2 seeds'], [41, 'seed 41', '2 seeds']]);
    const separate = await h.service.startRun({ projectId, document: doc, engine: 'cpu', seed: 41, duration: '20 ms' });
    const [alone] = await ended([separate]);
    expect(await recordings(alone!)).toEqual(await recordings(a[1]!));

    const both = await h.service.startSweep({ projectId, document: doc, engine: 'cpu', sweep: { block: 'syn', param: 'tau', values: ['2', '4 ms'] }, seeds: 2, duration: '10 ms' });
    const b = await ended(both);
    expect(b.map((r) => r.sweep!.copyLabel)).toEqual(['syn.tau = 2 ms, seed 7', 'syn.tau = 2 ms, seed 8', 'syn.tau = 4 ms, seed 7', 'syn.tau = 4 ms, seed 8']);
    expect(b[0]!.sweep!.label).toBe('syn.tau = 2 ms, 4 ms, 2 seeds');
    expect(b.every((r) => r.status === 'finished')).toBe(true);
  });

  it('stops every copy when one is stopped, one after another or side by side', async () => {
    const doc = await h.service.loadExample('coba.json');
    const { project } = await h.service.createProject('COBA', doc);
    const engines: EngineName[] = (await webGpuAvailable()) ? ['cpu', 'webgpu'] : ['cpu'];
    for (const engine of engines) {
      const started = await h.service.startSweep({
        projectId: project.id, document: doc, engine, duration: '100 s',
        sweep: { block: 'E', param: 'tau', values: ['15 ms', '20 ms', '25 ms'] },
      });
      await h.waitFor('run-progress', (p) => p.runId === started[0]!.id && p.simulatedMs > 5, 60_000);
      // Stopping the last copy stops the one running and the ones still waiting.
      await h.service.stopRun(started[2]!.id);
      const runs = await Promise.all(started.map((r) => h.service.getRun(r.id)));
      expect(runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
      expect((await ended(started)).map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
      const spikes = await h.service.readSpikes(started[0]!.id, 'spikes_E', {});
      expect(spikes.t.length).toBeGreaterThan(0);
      await expect(h.service.deleteRun(started[1]!.id)).resolves.toBeUndefined();
    }
  }, 120_000);

  it('refuses a wrong sweep, naming the block, parameter or value', async () => {
    const { doc, projectId } = await example();
    const sweep = (block: string, param: string, values: string[]) =>
      h.service.startSweep({ projectId, document: doc, engine: 'cpu', sweep: { block, param, values } });
    await expect(sweep('nope', 'tau', ['1 ms'])).rejects.toThrow(/^sweep: no block "nope" in the project/);
    await expect(sweep('syn', 'nope', ['1 ms'])).rejects.toThrow(/^sweep: block "syn" \(exponential\) has no parameter "nope" \(numeric parameters: .*tau/);
    await expect(sweep('syn', 'output', ['1'])).rejects.toThrow(/only numeric parameters can be swept/);
    await expect(sweep('syn', 'tau', ['5 mV'])).rejects.toThrow(/^sweep: value "5 mV" for syn\.tau \(in ms\): .*voltage/);
    await expect(sweep('syn', 'tau', ['5 ms', '5 ms'])).rejects.toThrow(/the value "5 ms" is listed twice/);
    await expect(sweep('syn', 'tau', ['-5 ms'])).rejects.toThrow(/^with syn\.tau = -5 ms: .*tau/);
    expect(await h.service.listRuns(projectId)).toEqual([]);

    // Over the transport: the schema refuses before the service sees the request.
    const call = (params: unknown[]) => dispatch(h.service, { id: 1, method: 'startSweep', params });
    const base = { projectId, document: doc, engine: 'cpu' };
    expect(await call([{ ...base, sweep: { block: 'syn', param: 'tau', values: ['1 ms, 2 ms'] } }])).toMatchObject({ error: { message: expect.stringMatching(/^startSweep: parameter "request\.sweep\.values\.0": one value per entry/) } });
    expect(await call([{ ...base, sweep: { block: 'syn', param: 'tau', values: [] } }])).toMatchObject({ error: { message: expect.stringMatching(/at least one value/) } });
    expect(await call([{ ...base, sweep: { block: 'syn', param: 'tau', values: Array.from({ length: 20 }, (_, i) => `${i + 1} ms`) }, seeds: 20 }])).toMatchObject({ error: { message: expect.stringMatching(/at most 256 copies/) } });
    expect(await call([{ ...base, sweep: null, seeds: 0 }])).toMatchObject({ error: { message: expect.stringMatching(/request\.seeds\b/) } });
    const ok = await call([{ ...base, sweep: { block: 'syn', param: 'tau', values: [' 3 ms '] }, duration: '5 ms' }]);
    if (!('result' in ok)) throw new Error(ok.error.message);
    const runs = ok.result as RunInfo[];
    expect(runs[0]!.sweep!.value).toBe('3 ms');
    await ended(runs);
  });

  it('without a GPU adapter, runs a WebGPU sweep on the CPU engine one copy after another and says so', () => {
    const runs = runWithoutGpu<Array<{ status: string; engine: string; message: string }>>([
      `const { makeHarness } = await import(${JSON.stringify(new URL('./harness.ts', import.meta.url).href)});`,
      'const h = makeHarness();',
      "const doc = await h.service.loadExample('ampa-lif.json');",
      "const { project } = await h.service.createProject('AMPA', doc);",
      "const runs = await h.service.startSweep({ projectId: project.id, document: doc, engine: 'webgpu', sweep: { block: 'post', param: 'tau', values: ['10 ms', '20 ms'] } });",
      "const ends = await Promise.all(runs.map((r) => h.waitFor('run-ended', (e) => e.id === r.id)));",
      'await h.close();',
      'process.stdout.write(JSON.stringify(ends.map((r) => ({ status: r.status, engine: r.engine, message: r.message }))));',
    ]);
    expect(runs).toHaveLength(2);
    for (const r of runs) {
      expect(r).toMatchObject({ status: 'finished', engine: 'cpu' });
      expect(r.message).toBe('No GPU found: running on the CPU; the 2 copies run one after another');
    }
  }, 90_000);
});

describe("the renderer's sweep helpers", () => {
  const tau = blockDef('exponential')!.params.tau as QuantityParam;

  it('parses values with units, in the parameter unit when bare, within its bounds', () => {
    expect(parseSweepValues('2 ms, 5, 0.01 s,', tau)).toEqual({ ok: true, values: ['2 ms', '5 ms', '0.01 s'] });
    expect(parseSweepValues('2 ms, 5 mV', tau)).toEqual({ ok: false, error: '"5 mV" is a voltage, expected a time (ms)' });
    expect(parseSweepValues('0 ms', tau)).toMatchObject({ ok: false, error: expect.stringMatching(/^"0 ms" must be greater than 0 ms/) });
    expect(parseSweepValues('5 ms, 0.005 s', tau)).toEqual({ ok: false, error: '"0.005 s" is the same value as "5 ms"' });
    expect(parseSweepValues(' , ', tau)).toMatchObject({ ok: false, error: expect.stringMatching(/^list values, e\.g\. /) });
    expect(parseSeeds('', 3)).toEqual({ ok: true, seeds: null });
    expect(parseSeeds('4', 3)).toEqual({ ok: true, seeds: 4 });
    expect(parseSeeds('0', 3)).toMatchObject({ ok: false });
    expect(parseSeeds('100', 3)).toMatchObject({ ok: false, error: expect.stringMatching(/at most 256 runs/) });
  });

  it("groups a sweep's runs in the history at its newest run, in the sweep's order", () => {
    const run = (id: number, sweep?: { id: string; index: number }): RunInfo => ({
      id, projectId: 1, versionId: 1, startedAt: '', endedAt: null, wallMs: null, engine: 'cpu', device: null, engineNote: null, seed: 1, dt: 0.1, durationMs: 10,
      status: 'finished', message: null, populations: [], probes: [], live: false, pinned: false,
      ...(sweep ? { sweep: { ...sweep, label: `sweep ${sweep.id}`, copyLabel: `copy ${sweep.index}`, count: 2, block: 'syn', param: 'tau', value: '1 ms' } } : {}),
    });
    const items = historyItems([run(6), run(5, { id: 'b', index: 1 }), run(4, { id: 'b', index: 0 }), run(3), run(2, { id: 'a', index: 1 }), run(1, { id: 'a', index: 0 })]);
    expect(items.map((i) => (i.kind === 'run' ? i.run.id : `${i.label}: ${i.runs.map((r) => r.id).join(',')}`))).toEqual([6, 'sweep b: 4,5', 3, 'sweep a: 1,2']);
  });
});
