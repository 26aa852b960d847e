/**
 * Parameter fields of the inspector: the minus sign U+2212 (as papers print it, and as a copy
 * from a PDF brings it) is read as a minus in every field that takes a signed value, and the
 * document keeps the hyphen-minus that every reader of it knows.
 */
import { describe, expect, it } from 'vitest';
import type { ParamDef } from '../../../kernels/types.js';
import { parseDelay, parsePairs, parseParam, parseValueOrDistribution } from '../../../src-renderer/lib/param-entry.js';

const V_REST: ParamDef = { kind: 'quantity', unit: 'mV', default: -65, doc: 'Resting potential.' };

describe('the minus sign U+2212 in parameter fields', () => {
  it('is a minus in a quantity, a bare number, a distribution and an expression', () => {
    expect(parseParam(V_REST, '\u221265 mV')).toEqual({ ok: true, value: '-65 mV' });
    expect(parseParam(V_REST, '\u221270.6')).toEqual({ ok: true, value: -70.6 });
    expect(parseValueOrDistribution('normal(\u221265 mV, 5 mV)', 'mV')).toEqual(parseValueOrDistribution('normal(-65 mV, 5 mV)', 'mV'));
    expect(parseValueOrDistribution('= \u221265 mV + 15 mV * r', 'mV')).toEqual(parseValueOrDistribution('= -65 mV + 15 mV * r', 'mV'));
  });

  it('is a minus in a connection weight, and a negative delay is still refused', () => {
    expect(parsePairs('0:1 (\u22122 nA)', 'nA')).toEqual({ ok: true, value: [[0, 1, '-2 nA']] });
    expect(parseDelay('\u22121 ms')).toEqual(parseDelay('-1 ms'));
    expect(parseDelay('-1 ms').ok).toBe(false);
  });

  it('still refuses what is no number', () => {
    expect(parseParam(V_REST, '\u2013 65 mV').ok).toBe(false); // an en dash is no minus
  });
});
