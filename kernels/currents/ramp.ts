import type { BlockDef } from '../types.js';
import { CURRENT_SOURCE_OUTPUT, WINDOW_PARAMS } from './constant.js';
import { modelsSection } from '../references.js';

/** A current that changes linearly between start and stop. */
export const rampCurrent: BlockDef = {
  type: 'ramp-current',
  category: 'current',
  title: 'Ramp current',
  doc:
    'Injects a current rising linearly from `from` at round(start/dt) towards `to` at ' +
    'round(stop/dt) (exclusive); zero outside that window.',
  references: [modelsSection('Current sources')],
  template: 'elementwise',
  sized: false,
  params: {
    from: { kind: 'quantity', unit: 'nA', default: 0, doc: 'Current at start.' },
    to: { kind: 'quantity', unit: 'nA', default: 1, doc: 'Current reached at stop.' },
    start: WINDOW_PARAMS.start!,
    stop: { kind: 'quantity', unit: 'ms', default: 100, min: 0, doc: 'End of the ramp (whole steps).' },
  },
  states: {},
  inputs: {},
  outputs: CURRENT_SOURCE_OUTPUT,
  update: [
    's0 = round(start / dt)',
    's1 = max(round(stop / dt), s0 + 1)',
    'I_out = step >= s0 && step < s1 ? from + (to - from) * (step - s0) / (s1 - s0) : 0',
  ],
};
