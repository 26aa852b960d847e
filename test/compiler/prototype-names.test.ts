/**
 * Names a user supplies — parameters, initial values, probed states, ports, sweep targets —
 * are looked up as own properties (src-shared/own.ts): names of Object.prototype's members
 * are refused as unknown by name, never accepted or crashing.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import { CompileError } from '../../src-main/compiler/diagnostics.js';
import { expandSweep } from '../../src-main/sweeps/expand.js';
import { makeDoc, type BlockSpec } from '../helpers/doc.js';

const NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

function net(cell: Partial<BlockSpec> = {}, state = 'V', extraEdges: string[] = []) {
  return makeDoc(
    [
      { id: 'drive', type: 'constant-current' },
      { id: 'cell', type: 'lif', size: 2, ...cell },
      { id: 'probe', type: 'state-probe', params: { state } },
    ],
    ['drive.I->cell.I', 'cell.V->probe.target', ...extraEdges],
  );
}

function problems(doc: ReturnType<typeof makeDoc>): string[] {
  try {
    compile(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    return (e as Error).message.split('\n');
  }
  return [];
}

describe('names from Object.prototype', () => {
  it('are unknown parameters, initial values and probed states', () => {
    for (const name of NAMES) {
      expect(problems(net({ params: { [name]: '5 ms' } }))).toEqual([
        `block "cell", parameter "${name}": lif has no such parameter (it has: V_rest, V_reset, V_th, R, tau, tau_ref, V0)`,
      ]);
      expect(problems(net({ init: { [name]: '1 mV' } }))).toEqual([`block "cell": init: LIF (refractory) has no state "${name}" (states: V, t_last)`]);
      expect(problems(net({}, name))).toEqual([`block "probe", parameter "state": "cell" has no state "${name}" (states: V, t_last)`]);
    }
  });

  it('are unknown ports and sweep parameters', () => {
    for (const name of NAMES) {
      const blocks = [{ id: 'drive', type: 'constant-current' }, { id: 'cell', type: 'lif', size: 2 }];
      expect(problems(makeDoc(blocks, [`drive.${name}->cell.I`, `drive.I->cell.${name}`]))).toEqual([
        `block "drive", edge drive.${name} → cell.I: Constant current has no output "${name}" (outputs: I)`,
        `block "cell", edge drive.I → cell.${name}: LIF (refractory) has no input "${name}" (inputs: I, J)`,
      ]);
      expect(() => expandSweep(net(), `cell.${name}=1,2`, undefined)).toThrow(`block "cell" (lif) has no parameter "${name}"`);
    }
  });
});
