/**
 * The service's `validate` estimates the run (memory and work) without allocating it — the
 * editor validates on every edit — and `startRun` / `startSweep` refuse a model larger than
 * the memory the run may use (the request's maxMemory, or the machine's default) before
 * anything is drawn, with diagnostics naming the largest consumer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-main/api/errors.js';
import { makeHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => { h = makeHarness(); });
afterEach(async () => { await h.close(); });

/** The ramp → LIF example with its neuron block grown to `size`. */
async function rampLif(size: number) {
  const doc = await h.service.loadExample('ramp-lif.json');
  return { ...doc, blocks: doc.blocks.map((b) => (b.id === 'cell' ? { ...b, size } : b)) };
}

describe('memory of a run, in the service', () => {
  it('validate gives the estimate, and refuses a 1e9-neuron block (as Run would) naming its largest consumer', async () => {
    const small = await h.service.validate(await rampLif(1));
    expect(small).toMatchObject({ ok: true, estimate: { elementUpdates: 6000, connections: 0, summary: expect.stringMatching(/^needs about [\d.]+ kB of memory and 6,000 element updates$/) } });
    const before = process.memoryUsage().arrayBuffers;
    const huge = await h.service.validate(await rampLif(1e9));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1e6);
    if (huge.ok) throw new Error('expected a problem');
    expect(huge.diagnostics).toEqual([{
      block: 'cell',
      message: expect.stringMatching(/^the run needs about \d+ GB, more than the .* it may use \(80% of the memory available; the maxMemory setting sets another\): block cell: 1e9 neurons × 2 states × 24 B ≈ 48 GB; /),
    }]);
  });

  it('startRun refuses a run over maxMemory (or the default) naming the block, and starts nothing', async () => {
    const doc = await rampLif(1);
    const { project } = await h.service.createProject('Ramp', doc);
    const refused = (await h.service.startRun({ projectId: project.id, document: doc, engine: 'cpu', maxMemory: '1 kB' }).catch((e: unknown) => e)) as ApiError;
    expect(refused.diagnostics).toEqual([{ block: expect.any(String), message: expect.stringMatching(/^the run needs about [\d.]+ kB, more than the 1 kB it may use \(maxMemory 1 kB\): block /) }]);
    const huge = await rampLif(1e9);
    const byDefault = (await h.service.startRun({ projectId: project.id, document: huge, engine: 'cpu' }).catch((e: unknown) => e)) as ApiError;
    expect(byDefault.diagnostics?.[0]).toMatchObject({ block: 'cell', message: expect.stringContaining('block cell: 1e9 neurons × 2 states × 24 B ≈ 48 GB') });
    const badSetting = (await h.service.startRun({ projectId: project.id, document: doc, engine: 'cpu', maxMemory: 'lots' }).catch((e: unknown) => e)) as ApiError;
    expect(badSetting.diagnostics).toEqual([{ field: 'maxMemory', message: '"lots" is not an amount of memory (e.g. "8 GB", "512 MB")' }]);
    const sweep = (await h.service.startSweep({ projectId: project.id, document: doc, engine: 'cpu', maxMemory: '1 kB', sweep: null, seeds: 2 }).catch((e: unknown) => e)) as ApiError;
    expect(sweep.message).toMatch(/it may use \(maxMemory 1 kB, shared by 2 copies\)/);
    expect(await h.service.listRuns(project.id)).toEqual([]);
  });
});
