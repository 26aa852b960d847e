/**
 * readTrace under hostile requests: a neuron asked for 1000 times is read once, a request
 * for more values than one answer may hold is refused before anything is read, and a long
 * read lets other work run between pages of chunks instead of stalling the web host.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TRACE_VALUES, readSpikes, readTrace } from '../../src-main/api/recording-reads.js';
import { openLab } from '../../src-main/store/lab.js';
import { LAYOUTS, sampleDocument, startSyntheticRun, streamSynthetic, tempLabPath } from '../store/helpers.js';

function recordedLab(samples: number) {
  const lab = openLab(tempLabPath());
  const runId = startSyntheticRun(lab);
  const writer = lab.recordings.writer(runId, { chunkBytes: 1200 });
  streamSynthetic(writer, samples, 250);
  writer.close();
  return { lab, runId };
}

describe('readTrace', () => {
  it('reads a neuron asked for many times once', async () => {
    const { lab, runId } = recordedLab(500);
    const trace = await readTrace(lab, runId, 'v', { neurons: [...Array<number>(1000).fill(2), 0, 2], maxPoints: 100 });
    expect(trace.series.map((s) => s.neuron)).toEqual([2, 0]);
    const once = await readTrace(lab, runId, 'v', { neurons: [2, 0], maxPoints: 100 });
    expect(trace).toEqual(once);
    lab.close();
  });

  it('refuses more than MAX_TRACE_VALUES neurons × points with a message saying what to ask instead', async () => {
    const lab = openLab(tempLabPath());
    const project = lab.projects.create('P', sampleDocument('P'));
    const neurons = Array.from({ length: 1000 }, (_, i) => i);
    const runId = lab.runs.start({
      versionId: project.version.id, engine: 'synthetic', seed: 1, dt: 0.1, steps: 1000, settings: {},
      probes: [{ id: 'wide', kind: 'state', block: 'n', state: 'V', unit: 'mV', neurons, every: 1 }],
    }).id;
    const writer = lab.recordings.writer(runId);
    writer.write({ probe: 'wide', kind: 'state', firstSample: 0, channels: 1000, values: new Float32Array(1000 * 1000) });
    writer.close();
    expect(1000 * 1000).toBeGreaterThan(MAX_TRACE_VALUES);
    await expect(readTrace(lab, runId, 'wide', { maxPoints: 100_000 })).rejects.toThrow(
      `run ${runId}, probe "wide": 1,000 neurons × 1,000 points is more than one read may return (250,000 values); ask for fewer neurons, fewer points or a shorter window`,
    );
    const fewer = await readTrace(lab, runId, 'wide', { neurons: [1, 999], maxPoints: 100_000 });
    expect(fewer.series).toHaveLength(2);
    expect(fewer.t).toHaveLength(1000);
    lab.close();
  });

  it('lets other callbacks run between pages of a long read, and returns what the store computes', async () => {
    const { lab, runId } = recordedLab(4000);
    // Chunks of 100 samples, pages of 8 chunks: 40 chunks of "v" are 5 pages.
    let ticks = 0;
    let reading = true;
    const tick = () => {
      ticks++;
      if (reading) setImmediate(tick);
    };
    setImmediate(tick);
    const trace = await readTrace(lab, runId, 'v', { maxPoints: 500 });
    reading = false;
    expect(ticks).toBeGreaterThanOrEqual(5);
    const direct = lab.recordings.decimate(runId, 'v', { buckets: 500 });
    expect(trace.series[1]!.min).toEqual(Array.from(direct.min.filter((_, i) => i % 3 === 1)));
    expect(trace.series.map((s) => s.neuron)).toEqual(Array.from(LAYOUTS[0]!.kind === 'state' ? LAYOUTS[0]!.neurons : []));
    lab.close();
  });
});

describe('readSpikes', () => {
  it('thins to maxSpikes evenly over the window, gives the total, and yields between pages', async () => {
    const { lab, runId } = recordedLab(4000);
    const all = lab.recordings.readSpikes(runId, 'sp');
    expect(all.steps.length).toBeGreaterThan(100);
    let ticks = 0;
    let reading = true;
    const tick = () => {
      ticks++;
      if (reading) setImmediate(tick);
    };
    setImmediate(tick);
    const every = await readSpikes(lab, runId, 'sp', {});
    reading = false;
    expect(ticks).toBeGreaterThanOrEqual(2);
    expect(every.truncated).toBe(false);
    expect(every.neuron).toEqual(Array.from(all.neurons));
    expect(every.t).toEqual(Array.from(all.steps, (s) => Number((s * 0.1).toPrecision(12))));

    // Over the limit: 10 spikes spread evenly over the whole window (the last of each tenth), and the total.
    const n = every.t.length;
    const kept = Array.from({ length: 10 }, (_, j) => Math.ceil(((j + 1) * n) / 10) - 1);
    const thinned = await readSpikes(lab, runId, 'sp', { maxSpikes: 10 });
    expect(thinned).toEqual({ probe: 'sp', t: kept.map((k) => every.t[k]), neuron: kept.map((k) => every.neuron[k]), truncated: true, total: n });
    expect(every.total).toBe(n);
    const exact = await readSpikes(lab, runId, 'sp', { maxSpikes: every.t.length });
    expect(exact.truncated).toBe(false);
    const window = await readSpikes(lab, runId, 'sp', { t0: 10, t1: 20, neurons: [3] });
    expect(window.t.every((t) => t >= 10 && t <= 20)).toBe(true);
    expect(window.neuron.every((n) => n === 3)).toBe(true);
    await expect(readSpikes(lab, runId, 'v', {})).rejects.toThrow(/records state, not spikes/);
    lab.close();
  });
});
