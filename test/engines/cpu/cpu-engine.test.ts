/**
 * The CPU engine as callers use it: in a worker thread, streaming chunks, reporting
 * progress, stopping on request, and naming the block and state when a run diverges.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { dropPrestartedWorker, keepCpuWorkerWarm, prestartCpuWorker, prestartedWorkerWaiting, runCpu } from '../../../src-main/engines/cpu/cpu-engine.js';
import { NonFiniteStateError, type Progress, type RecordingChunk } from '../../../src-main/engines/types.js';
import { MAX_IN_FLIGHT_PER_WORKER } from '../../../src-main/engines/cpu/worker-start.js';
import { parseDocumentText } from '../../../src-shared/document/load.js';
import { collect, makeDoc, runDoc } from '../../helpers/doc.js';

const example = (name: string) =>
  parseDocumentText(readFileSync(new URL(`../../../assets/examples/${name}`, import.meta.url), 'utf8'));

describe('CPU engine in a worker', () => {
  it('produces exactly the recordings of an in-thread run, streamed in chunks', async () => {
    const doc = example('coba.json');
    const overrides = { duration: '200 ms' };
    const reference = runDoc(doc, overrides);
    const chunks: RecordingChunk[] = [];
    const progress: Progress[] = [];
    const plan = compile(doc, overrides);
    const result = await runCpu(plan, { sink: { write: (c) => { chunks.push(c); } }, onProgress: (p) => progress.push(p) });
    expect(result.status).toBe('finished');
    expect(result.stepsDone).toBe(2000);
    const streamed = collect(plan, reference.sim, chunks);
    expect(streamed.spikes).toEqual(reference.spikes);
    expect(streamed.rates).toEqual(reference.rates);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.step).toBe(2000);
    expect(progress.every((p, k) => k === 0 || p.step >= progress[k - 1]!.step)).toBe(true);
    expect(result.populations.map((p) => p.block)).toEqual(['E', 'I']);
    const spikesE = reference.spikes.get('spikes_E')!.length;
    expect(result.populations[0]!.spikes).toBe(spikesE);
  });

  it('takes a worker started before the plan was compiled, on one thread and on two, with the same recordings', async () => {
    const doc = example('coba.json');
    const overrides = { duration: '100 ms' };
    const reference = runDoc(doc, overrides);
    for (const threads of [1, 2]) {
      prestartCpuWorker(); // as the CLI does before it compiles
      expect(prestartedWorkerWaiting()).toBe(true);
      const plan = compile(doc, overrides);
      const chunks: RecordingChunk[] = [];
      const result = await runCpu(plan, { threads, sink: { write: (c) => { chunks.push(c); } } });
      expect(prestartedWorkerWaiting()).toBe(false); // the run took it
      expect(result.threads ?? 1).toBe(threads);
      const streamed = collect(plan, reference.sim, chunks);
      expect(streamed.spikes).toEqual(reference.spikes);
      expect(streamed.rates).toEqual(reference.rates);
    }
    prestartCpuWorker();
    dropPrestartedWorker(); // not taken: ended
    expect(prestartedWorkerWaiting()).toBe(false);
  });

  it('kept warm (the app, the web host), has the next run\'s worker booted after every run', async () => {
    const plan = compile(example('ampa-lif.json'), { duration: '10 ms' });
    keepCpuWorkerWarm();
    try {
      expect(prestartedWorkerWaiting()).toBe(true);
      for (let run = 0; run < 2; run++) {
        expect((await runCpu(plan)).status).toBe('finished');
        await expect.poll(() => prestartedWorkerWaiting()).toBe(true); // started shortly after the run ended
      }
      // A threaded run's workers are ended; a new one is booted for the next run.
      expect((await runCpu(compile(example('coba.json'), { duration: '5 ms' }), { threads: 2 })).status).toBe('finished');
      await expect.poll(() => prestartedWorkerWaiting()).toBe(true);
    } finally {
      keepCpuWorkerWarm(false);
    }
    expect(prestartedWorkerWaiting()).toBe(false);
  });

  it('kept warm, runs one run after another in the same worker, each with its own recordings — a diverged run too', async () => {
    const doc = example('coba.json');
    keepCpuWorkerWarm();
    try {
      for (const duration of ['30 ms', '20 ms']) {
        const overrides = { duration };
        const reference = runDoc(doc, overrides);
        const plan = compile(doc, overrides);
        const chunks: RecordingChunk[] = [];
        expect((await runCpu(plan, { sink: { write: (c) => { chunks.push(c); } } })).status).toBe('finished');
        expect(prestartedWorkerWaiting()).toBe(true); // the run's own worker, kept at once
        const streamed = collect(plan, reference.sim, chunks);
        expect(streamed.spikes).toEqual(reference.spikes);
        expect(streamed.rates).toEqual(reference.rates);
      }
      // R·I overflows to infinity (as in the diverging-run test below).
      const diverging = makeDoc(
        [
          { id: 'drive', type: 'constant-current', params: { amplitude: '1e10 nA', start: '2 ms' } },
          { id: 'cell', type: 'lif', size: 1, params: { R: '1e300 Mohm' } },
        ],
        ['drive.I -> cell.I'],
        { duration: '5 ms' },
      );
      await expect(runCpu(compile(diverging))).rejects.toBeInstanceOf(NonFiniteStateError);
      expect(prestartedWorkerWaiting()).toBe(true);
      expect((await runCpu(compile(example('ampa-lif.json'), { duration: '10 ms' }))).status).toBe('finished');
    } finally {
      keepCpuWorkerWarm(false);
    }
    expect(prestartedWorkerWaiting()).toBe(false);
  });

  it('stops between chunks when asked and reports a cancelled run', async () => {
    const plan = compile(example('coba.json'), { duration: '100 s' });
    const controller = new AbortController();
    const result = await runCpu(plan, {
      onProgress: (p) => { if (p.step > 500) controller.abort(); },
      signal: controller.signal,
    });
    expect(result.status).toBe('cancelled');
    expect(result.stepsDone).toBeGreaterThan(500);
    expect(result.stepsDone).toBeLessThan(plan.steps);
  });

  for (const threads of [1, 2]) {
    it(`waits for the caller's writing: a stalled sink holds the run (${threads} thread${threads > 1 ? 's' : ''}), which goes on when it is written`, async () => {
      // Without this, a run recording faster than its caller wrote piled its messages up in
      // the caller (30 MB a second, until the memory ran out), and the caller never idle
      // (Ctrl-C unseen): worker-start.ts postWithin.
      const plan = compile(example('ampa-lif.json'), { duration: '100000 s' });
      let open!: () => void;
      const gate = new Promise<void>((resolve) => { open = resolve; });
      let written = 0;
      let progressed = 0;
      const controller = new AbortController();
      const run = runCpu(plan, {
        threads,
        sink: { write: async () => { await gate; written++; } },
        onProgress: () => { progressed++; },
        signal: controller.signal,
      });
      // The workers post at most MAX_IN_FLIGHT_PER_WORKER recordings each ahead of the writing,
      // then wait: progress stops while the sink is stalled.
      let seen = -1;
      for (let quiet = 0; quiet < 5;) {
        await new Promise((r) => setTimeout(r, 200));
        if (progressed === seen) quiet++; else { quiet = 0; seen = progressed; }
        expect(progressed).toBeLessThanOrEqual((MAX_IN_FLIGHT_PER_WORKER + 2) * threads);
      }
      expect(written).toBe(0);
      open();
      await expect.poll(() => progressed).toBeGreaterThan(seen + 3); // written, so it goes on
      controller.abort();
      const result = await run;
      expect(result.status).toBe('cancelled');
      expect(written).toBeGreaterThan(0);
    });
  }

  it('stops a diverging run and names the block and the state', async () => {
    // R·I overflows to infinity, and exponential Euler towards an infinite V_inf gives NaN.
    const doc = makeDoc(
      [
        { id: 'drive', type: 'constant-current', params: { amplitude: '1e10 nA', start: '20 ms' } },
        { id: 'cell', type: 'lif', size: 1, params: { R: '1e300 Mohm' } },
      ],
      ['drive.I -> cell.I'],
      { duration: '50 ms' },
    );
    const error = await runCpu(compile(doc)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteStateError);
    expect((error as NonFiniteStateError).block).toBe('cell');
    expect((error as NonFiniteStateError).state).toBe('V');
    // The cell of the check grid (every 100 steps, 10 ms here) where it went wrong: the current starts at 20 ms.
    expect([(error as NonFiniteStateError).fromMs, (error as NonFiniteStateError).toMs]).toEqual([20, 30]);
    expect((error as Error).message).toMatch(/block "cell": state "V" of neuron 0 became NaN by t = [\d.]+ ms/);
  });
});
