/**
 * A warning for a built-in LIF neuron reset at or above its threshold (V_reset ≥ V_th, as a slip of sign
 * or of the two fields gives): after its first spike it is at threshold again, and the
 * refractory period holds it there, so it spikes at every step from then on, whatever its
 * input. Legal under the contract (assets/docs/models.md, LIF: the threshold is tested every
 * step, refractory or not, as BrainPy's LIF does), so a warning, not an error. Checked where
 * both are one value for the whole block; per-neuron values are left to the run.
 */
import type { Diagnostic } from './diagnostics.js';

export function resetAboveThresholdWarnings(
  blockId: string,
  quantities: Readonly<Record<string, number>>,
  varying: Readonly<Record<string, unknown>>,
): Diagnostic[] {
  const threshold = quantities.V_th;
  const reset = quantities.V_reset;
  if (threshold === undefined || reset === undefined || 'V_th' in varying || 'V_reset' in varying) return [];
  if (!(reset >= threshold)) return [];
  return [{
    block: blockId,
    field: 'parameter "V_reset"',
    message: `V_reset = ${reset} mV is at or above V_th = ${threshold} mV: after its first spike the neuron spikes at every step, whatever its input`,
  }];
}
