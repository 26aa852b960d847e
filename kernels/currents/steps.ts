import type { BlockDef } from '../types.js';
import { CURRENT_SOURCE_OUTPUT } from './constant.js';
import { modelsSection } from '../references.js';

/** Piecewise-constant current: a step protocol or a pulse train. */
export const stepCurrent: BlockDef = {
  type: 'step-current',
  category: 'current',
  title: 'Steps / pulses',
  doc:
    'From step round(times[k]/dt) on, injects amplitudes[k] until the next listed time; zero ' +
    'before the first. A pulse train alternates amplitudes and 0.',
  references: [modelsSection('Current sources')],
  template: 'piecewise',
  sized: false,
  params: {
    times: { kind: 'quantity-list', unit: 'ms', doc: 'Times at which the amplitude changes, increasing.' },
    amplitudes: { kind: 'quantity-list', unit: 'nA', doc: 'Amplitude from each time on; same length as times.' },
  },
  states: {},
  inputs: {},
  outputs: CURRENT_SOURCE_OUTPUT,
  update: [],
};
