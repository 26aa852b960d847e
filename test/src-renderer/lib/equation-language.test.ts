/**
 * The equation notation in CodeMirror (src-renderer/lib/equation-language.ts): the
 * tokenizer tells the differential's head, parameters, states, inputs, functions, units,
 * numbers and comments apart; completion offers the type's names (units after ":").
 */
import { CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { StringStream } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { typeVocabulary } from '../../../src-shared/equations/vocabulary.js';
import { equationCompletions, equationParser } from '../../../src-renderer/lib/equation-language.js';

const vocabulary = typeVocabulary({
  category: 'neuron',
  params: { tau: {}, EL: {} },
  equations: 'dV/dt = (EL - V + I) / tau : mV\nI_leak = EL - V : mV',
});

/** [text, token] pairs of one line. */
function tokens(line: string): Array<[string, string | null]> {
  const parser = equationParser(vocabulary);
  const state = parser.startState!(2);
  const stream = new StringStream(line, 2, 2);
  const out: Array<[string, string | null]> = [];
  while (!stream.eol()) {
    const style = parser.token(stream, state);
    const text = stream.current();
    if (text.trim()) out.push([text, style]);
    stream.start = stream.pos;
  }
  return out;
}

describe('the equation notation', () => {
  it('highlights the parts of an equation by what they are', () => {
    expect(tokens('dV/dt = (EL - V + I) / tau : mV # leak')).toEqual([
      ['dV/dt', 'variableName.definition'], ['=', 'operator'], ['(', 'operator'], ['EL', 'variableName.special'],
      ['-', 'operator'], ['V', 'variableName.definition'], ['+', 'operator'], ['I', 'variableName.local'], [')', 'operator'],
      ['/', 'operator'], ['tau', 'variableName.special'], [':', 'operator'], ['mV', 'atom'], ['# leak', 'comment'],
    ]);
    expect(tokens('V > 2.5e1 and exp(V) < 1')).toEqual([
      ['V', 'variableName.definition'], ['>', 'operator'], ['2.5e1', 'number'], ['and', 'keyword'],
      ['exp', 'keyword'], ['(', 'operator'], ['V', 'variableName.definition'], [')', 'operator'], ['<', 'operator'], ['1', 'number'],
    ]);
    expect(tokens('x_unknown')).toEqual([['x_unknown', 'variableName']]);
  });

  function complete(doc: string, explicit = false): string[] {
    const state = EditorState.create({ doc });
    const result = equationCompletions(() => vocabulary)(new CompletionContext(state, doc.length, explicit)) as CompletionResult | null;
    return result ? result.options.map((o) => o.label) : [];
  }

  it('completes the names of the type, the inputs and the functions; units after ":"', () => {
    const names = complete('dV/dt = (E');
    expect(names.slice(0, 4)).toEqual(['tau', 'EL', 'V', 'I_leak']);
    expect(names).toContain('I');
    expect(names).toContain('exp');
    const units = complete('dV/dt = -V / tau : m');
    expect(units).toContain('mV');
    expect(units).not.toContain('tau');
    expect(complete('dV/dt = ')).toEqual([]); // nothing typed, not asked for
    expect(complete('dV/dt = 12')).toEqual([]); // inside a number
    expect(complete('dV/dt = ', true)).toContain('tau');
  });
});
