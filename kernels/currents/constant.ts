import type { BlockDef, ParamDef, PortDef } from '../types.js';
import { modelsSection } from '../references.js';

/** Output port shared by the current sources: one current added to every target neuron. */
export const CURRENT_SOURCE_OUTPUT: Readonly<Record<string, PortDef>> = {
  I: { type: 'current', unit: 'nA', doc: 'Current injected into every neuron of the connected block.' },
};

export const WINDOW_PARAMS: Readonly<Record<string, ParamDef>> = {
  start: { kind: 'quantity', unit: 'ms', default: 0, min: 0, doc: 'First time the current flows (whole steps).' },
  stop: { kind: 'quantity', unit: 'ms', default: 1e9, min: 0, doc: 'Time the current stops (whole steps); default: never.' },
};

/** A constant current between start and stop. */
export const constantCurrent: BlockDef = {
  type: 'constant-current',
  category: 'current',
  title: 'Constant current',
  doc: 'Injects `amplitude` into every connected neuron in the steps from round(start/dt) up to, not including, round(stop/dt).',
  references: [modelsSection('Current sources')],
  template: 'elementwise',
  sized: false,
  params: {
    amplitude: { kind: 'quantity', unit: 'nA', default: 1, doc: 'Injected current.' },
    ...WINDOW_PARAMS,
  },
  states: {},
  inputs: {},
  outputs: CURRENT_SOURCE_OUTPUT,
  update: ['I_out = step >= round(start / dt) && step < round(stop / dt) ? amplitude : 0'],
};
