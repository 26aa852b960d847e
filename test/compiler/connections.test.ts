/**
 * The compiler refuses exactly the connections the shared rule (src-shared/ports.ts)
 * refuses, the rule the editor applies as a wire is drawn: every output of the library
 * tried against every input.
 */
import { describe, expect, it } from 'vitest';
import { BLOCKS } from '../../kernels/index.js';
import { compile } from '../../src-main/compiler/compile.js';
import { CompileError, type Diagnostic } from '../../src-main/compiler/diagnostics.js';
import { connectionRefusal, CURRENT_ONLY_INTO_NEURON } from '../../src-shared/ports.js';
import { makeDoc } from '../helpers/doc.js';

/** The compiler's diagnostics of one edge between a `from` block and a `to` block. */
function edgeDiagnostics(from: string, out: string, to: string, inp: string): Diagnostic[] {
  const sized = (type: string) => (BLOCKS.find((b) => b.type === type)!.sized ? { size: 1 } : {});
  const doc = makeDoc([{ id: 'a', type: from, ...sized(from) }, { id: 'b', type: to, ...sized(to) }], [`a.${out}->b.${inp}`]);
  try {
    compile(doc);
    return [];
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return e.diagnostics.filter((d) => d.field === `edge a.${out} → b.${inp}`);
  }
}

describe('connection rules in the compiler', () => {
  it('refuses an edge exactly when the shared rule does, with the shared words for currents', () => {
    let refused = 0;
    for (const a of BLOCKS) {
      for (const [out, o] of Object.entries(a.outputs)) {
        for (const b of BLOCKS) {
          for (const [inp, i] of Object.entries(b.inputs)) {
            const rule = connectionRefusal(o.type, i.type, b.category);
            const found = edgeDiagnostics(a.type, out, b.type, inp);
            expect(found.length, `${a.type}.${out} → ${b.type}.${inp}`).toBe(rule ? 1 : 0);
            if (rule === 'current-not-into-neuron') {
              expect(found[0]!.message).toBe(CURRENT_ONLY_INTO_NEURON);
            }
            if (rule) refused++;
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
