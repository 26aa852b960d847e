/**
 * The equation notation for CodeMirror: a small stream tokenizer (Brian2's lines
 * `dV/dt = … : mV (unless refractory)`, statements `V = EL; w += b`, `#` comments) that
 * tells the project's parameters, states, functions and units apart, and the completion of
 * those names. Highlighting only: what the text means is the compiler's to say
 * (src-shared/equations), whose diagnostics the editor shows inline.
 */
import { type CompletionContext, type CompletionResult, type Completion } from '@codemirror/autocomplete';
import { StreamLanguage, type StreamParser } from '@codemirror/language';
import type { TypeVocabulary } from '../../src-shared/equations/vocabulary.js';

interface LineState {
  /** After the ":" of an equation: the unit and its flags. */
  inUnit: boolean;
}

const WORDS = new Set(['and', 'or', 'not', 'unless', 'refractory', 'true', 'false']);

/** A tokenizer for one vocabulary (the editor reconfigures it when the names change). */
export function equationParser(vocabulary: TypeVocabulary): StreamParser<LineState> {
  const params = new Set(vocabulary.params);
  const states = new Set([...vocabulary.states, ...vocabulary.connection, ...vocabulary.subexpressions]);
  const inputs = new Set(vocabulary.inputs);
  const functions = new Set(vocabulary.functions);
  return {
    name: 'spikeflow-equations',
    startState: () => ({ inUnit: false }),
    copyState: (s) => ({ ...s }),
    token(stream, state) {
      if (stream.sol()) state.inUnit = false;
      if (stream.eatSpace()) return null;
      if (stream.peek() === '#') {
        stream.skipToEnd();
        return 'comment';
      }
      // dX/dt at the start of an equation.
      if (stream.sol() && stream.match(/^d[A-Za-z][A-Za-z0-9_]*\/dt\b/)) return 'variableName.definition';
      if (stream.match(/^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/)) return 'number';
      if (stream.eat(':')) {
        state.inUnit = true;
        return 'operator';
      }
      const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
      if (word) {
        const w = word[0];
        if (WORDS.has(w)) return 'keyword';
        if (state.inUnit) return 'atom';
        if (params.has(w)) return 'variableName.special';
        if (states.has(w)) return 'variableName.definition';
        if (inputs.has(w)) return 'variableName.local';
        if (functions.has(w)) return 'keyword';
        return 'variableName';
      }
      if (stream.match(/^(\*\*|[-+*/=<>!]=?|[();,])/)) return 'operator';
      stream.next();
      return null;
    },
  };
}

export function equationLanguage(vocabulary: TypeVocabulary): StreamLanguage<LineState> {
  return StreamLanguage.define(equationParser(vocabulary));
}

/** Completion options for the name at the cursor: units after ":", else the type's names and the functions. */
export function equationCompletions(vocabulary: () => TypeVocabulary) {
  return (ctx: CompletionContext): CompletionResult | null => {
    // The name being typed (empty when Ctrl+Space asks at a blank); none inside a number.
    const word = ctx.matchBefore(/[A-Za-z0-9_]*/);
    if (!word || /^\d/.test(word.text) || (word.from === word.to && !ctx.explicit)) return null;
    const v = vocabulary();
    const lineBefore = ctx.state.doc.lineAt(ctx.pos).text.slice(0, ctx.pos - ctx.state.doc.lineAt(ctx.pos).from);
    const inUnit = /:[^#]*$/.test(lineBefore) && !/[=<>]/.test(lineBefore.slice(lineBefore.lastIndexOf(':')));
    const options: Completion[] = inUnit
      ? v.units.map((u) => ({ label: u, type: 'constant' }))
      : [
        ...v.params.filter(Boolean).map((p) => ({ label: p, type: 'variable', detail: 'parameter', boost: 3 })),
        ...v.states.map((s) => ({ label: s, type: 'variable', detail: 'state', boost: 2 })),
        ...v.connection.map((s) => ({ label: s, type: 'variable', detail: 'per connection', boost: 2 })),
        ...v.subexpressions.map((s) => ({ label: s, type: 'variable', detail: 'subexpression', boost: 1 })),
        ...v.inputs.map((s) => ({ label: s, type: 'variable', detail: 'input' })),
        ...v.functions.map((f) => ({ label: f, type: 'function', detail: 'function', apply: `${f}(` })),
      ];
    return { from: word.from, options, validFor: /^[A-Za-z0-9_]*$/ };
  };
}
