/**
 * src-main/compiler/undriven.ts through compile(): a neuron with nothing connected to its
 * input that stays silent on its own gets a warning (not an error) on its input; a driven
 * one, a pacemaker and a noisy one do not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { CompileError } from '../../src-main/compiler/diagnostics.js';
import { UNDRIVEN_MESSAGE, undrivenWarnings } from '../../src-main/compiler/undriven.js';
import { loadProjectFile } from '../../src-main/cli/load-project.js';
import { EXAMPLES } from '../helpers/cli.js';
import { makeDoc } from '../helpers/doc.js';
import { thrownMessage } from '../helpers/errors.js';

const undriven = (id: string) => ({ block: id, field: 'input "I"', message: UNDRIVEN_MESSAGE });

describe('warnings for undriven neurons', () => {
  it('warns on each neuron type left with nothing connected, and the model still compiles', () => {
    for (const type of ['lif', 'izhikevich', 'hh']) {
      const plan = compile(makeDoc([{ id: 'cell', type, size: 3 }], []));
      expect(plan.warnings, type).toEqual([undriven('cell')]);
      expect(plan.blocks).toHaveLength(1);
    }
  });

  it('does not warn on a neuron driven by a current source or by a synapse', () => {
    const byCurrent = makeDoc([{ id: 'drive', type: 'constant-current' }, { id: 'cell', type: 'lif', size: 1 }], ['drive.I->cell.I']);
    expect(compile(byCurrent).warnings).toEqual([]);
    const bySynapse = makeDoc(
      [{ id: 'src', type: 'poisson', size: 10 }, { id: 'syn', type: 'exponential' }, { id: 'cell', type: 'lif', size: 1 }],
      ['src.spikes->syn.pre', 'syn.post->cell.I'],
    );
    expect(compile(bySynapse).warnings).toEqual([]);
  });

  it('warns only on the undriven one of two neurons', () => {
    const doc = makeDoc([{ id: 'drive', type: 'constant-current' }, { id: 'a', type: 'lif', size: 1 }, { id: 'b', type: 'lif', size: 1 }], ['drive.I->a.I']);
    expect(compile(doc).warnings).toEqual([undriven('b')]);
  });

  it('does not warn on a pacemaker: a neuron that fires on its own (rest above threshold)', () => {
    const pacemaker = makeDoc([{ id: 'cell', type: 'lif', size: 1, params: { V_rest: '-45 mV' } }], []);
    expect(compile(pacemaker).warnings).toEqual([]);
  });

  it('counts a neuron that draws random numbers as driven', () => {
    const plan = compile(makeDoc([{ id: 'cell', type: 'lif', size: 1 }], []));
    const noisy = { ...plan.blocks[0]!, code: [...plan.blocks[0]!.code, { target: 'V', expr: { k: 'call' as const, fn: 'rand', args: [] } }] };
    expect(undrivenWarnings([plan.blocks[0]!], plan.dt, plan.steps)).toHaveLength(1);
    expect(undrivenWarnings([noisy], plan.dt, plan.steps)).toEqual([]);
  });

  it('leaves errors errors: a synapse with no presynaptic input fails to compile', () => {
    const doc = makeDoc([{ id: 'syn', type: 'exponential' }, { id: 'cell', type: 'lif', size: 1 }], ['syn.post->cell.I']);
    expect(thrownMessage(CompileError, () => compile(doc))).toMatch(/block "syn", input "pre": required but not connected \(connect a spikes output to it\)/);
    // A probe takes an output of any kind, and says so in words.
    const probe = makeDoc([{ id: 'cell', type: 'lif', size: 1 }, { id: 'V', type: 'state-probe', params: { state: 'V' } }], []);
    expect(thrownMessage(CompileError, () => compile(probe))).toMatch(/block "V", input "target": required but not connected \(connect an output of any kind to it\)/);
  });

  it('finds nothing to warn about in the examples', () => {
    for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'))) {
      expect(compile(loadProjectFile(path.join(EXAMPLES, file))).warnings, file).toEqual([]);
    }
  });
});
