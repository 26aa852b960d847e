/**
 * The final state of a run's plastic synapses in the lab (src-main/store/connection-states.ts):
 * a run of the CPU engine (in its worker) recorded with recordRun keeps it, it reads back
 * bit for bit with its connections' structure, a damaged row is refused naming the run and
 * synapse (and `check` lists it), and it goes with its run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { connectionStructure } from '../../src-main/compiler/continue-from.js';
import { cpuEngine } from '../../src-main/engines/cpu/cpu-engine.js';
import { DamagedDataError } from '../../src-main/store/checksums.js';
import { hasConnectionStates, loadConnectionStates, saveConnectionStates } from '../../src-main/store/connection-states.js';
import { checkLab } from '../../src-main/store/lab-check.js';
import { openLab } from '../../src-main/store/lab.js';
import { recordRun } from '../../src-main/store/run-recorder.js';
import { makeDoc } from '../helpers/doc.js';
import { tempLabPath } from './helpers.js';

const lab = openLab(tempLabPath());
afterAll(() => lab.close());

const doc = makeDoc([
  { id: 'pre', type: 'poisson', size: 20, params: { rate: '200 Hz' } },
  { id: 'stdp', type: 'stdp', connection: { rule: 'all-to-all', weight: { dist: 'uniform', low: '0 uS', high: '0.01 uS' } } },
  { id: 'drive', type: 'poisson', size: 3, params: { rate: '100 Hz' } },
  { id: 'kick', type: 'delta', connection: { rule: 'one-to-one', weight: '30 mV' } },
  { id: 'cell', type: 'lif', size: 3 },
], ['pre.spikes -> stdp.pre', 'stdp.post -> cell.I', 'drive.spikes -> kick.pre', 'kick.post -> cell.J'], { duration: '30 ms' });

async function recordedRun() {
  const plan = compile(doc);
  const recording = recordRun(lab, { project: 'plastic', document: doc, plan, engine: 'cpu', settings: {} });
  const result = await cpuEngine.run(plan, { sink: recording.sink });
  recording.finish(result);
  return { plan, runId: recording.runId, result };
}

describe('final connection states in the lab', () => {
  it('a recorded CPU run keeps its plastic synapse\'s final state, read back exactly with its structure', async () => {
    const { plan, runId, result } = await recordedRun();
    const [sent] = result.connectionStates!;
    expect(sent!.w.length).toBe(60);
    expect(Math.min(...sent!.last)).toBeLessThan(0); // counted back from the end
    expect(hasConnectionStates(lab, runId)).toBe(true);
    const [stored] = loadConnectionStates(lab, runId);
    expect(stored!.structure).toEqual(connectionStructure(plan, plan.projections[0]!));
    expect(Array.from(stored!.w)).toEqual(Array.from(sent!.w));
    expect(Array.from(stored!.states.a_pre!)).toEqual(Array.from(sent!.states.a_pre!));
    expect(Array.from(stored!.states.a_post!)).toEqual(Array.from(sent!.states.a_post!));
    expect(Array.from(stored!.last)).toEqual(Array.from(sent!.last));
    expect(Array.from(stored!.w)).not.toEqual(Array.from(plan.projections[0]!.byPre.w, (x) => x)); // it learned
  });

  it('a state larger than one part is stored in several rows and read back whole; a missing part is refused', async () => {
    const { runId } = await recordedRun();
    const [stored] = loadConnectionStates(lab, runId);
    const other = { ...stored!, synapse: 'copy' };
    saveConnectionStates(lab, runId, [other], 100); // 60 connections × 28 B = 1680 B: 17 parts
    expect(lab.db.prepare("SELECT count(*) FROM connection_states WHERE run_id = ? AND synapse = 'copy'").pluck().get(runId)).toBe(17);
    const back = loadConnectionStates(lab, runId).find((s) => s.synapse === 'copy')!;
    expect(Array.from(back.w)).toEqual(Array.from(stored!.w));
    expect(Array.from(back.states.a_post!)).toEqual(Array.from(stored!.states.a_post!));
    expect(Array.from(back.last)).toEqual(Array.from(stored!.last));
    lab.db.prepare("DELETE FROM connection_states WHERE run_id = ? AND synapse = 'copy' AND part = 5").run(runId);
    expect(() => loadConnectionStates(lab, runId)).toThrow(`run ${runId}: the final state of synapse "copy" is incomplete: 1580 bytes in 16 part(s), not the 1680 its 60 connections need`);
    lab.runs.delete(runId);
  });

  it('a damaged final state is refused naming run and synapse, and check lists it', async () => {
    const { runId } = await recordedRun();
    lab.db.prepare("UPDATE connection_states SET data = CAST(zeroblob(length(data)) AS BLOB) WHERE run_id = ?").run(runId);
    expect(() => loadConnectionStates(lab, runId)).toThrow(DamagedDataError);
    expect(() => loadConnectionStates(lab, runId)).toThrow(`run ${runId}: the final state of synapse "stdp" is damaged`);
    expect(checkLab(lab).problems).toContain(`run ${runId}, synapse "stdp": the final state (for continuing the run) is damaged (it does not match its checksum)`);
    lab.runs.delete(runId);
  });

  it('goes with its run; a run of a model without plastic synapses keeps none', async () => {
    const { runId } = await recordedRun();
    lab.runs.delete(runId);
    expect(lab.db.prepare('SELECT count(*) FROM connection_states WHERE run_id = ?').pluck().get(runId)).toBe(0);
    const plain = makeDoc([{ id: 'cell', type: 'lif', size: 2 }], [], { duration: '1 ms' });
    const plan = compile(plain);
    const recording = recordRun(lab, { project: 'plain', document: plain, plan, engine: 'cpu', settings: {} });
    const result = await cpuEngine.run(plan, { sink: recording.sink });
    recording.finish(result);
    expect(result.connectionStates).toBeUndefined();
    expect(hasConnectionStates(lab, recording.runId)).toBe(false);
    expect(loadConnectionStates(lab, recording.runId)).toEqual([]);
  });
});
