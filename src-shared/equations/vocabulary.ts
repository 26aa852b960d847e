/**
 * The names an equation editor can offer while the user types (completion): parameters,
 * states and subexpressions of the type as far as it parses, the inputs its category gives,
 * the functions and the unit names. Lenient on purpose: half-written text still yields what
 * it can.
 */
import { BUILTINS } from '../expr/builtins.js';
import { UNIT_NAMES } from '../expr/dimensions.js';
import { NOTATION_FUNCTIONS, parseEquations, type SourceError } from './parse-equations.js';
import { connectionNames } from './plastic-spec.js';

export interface TypeVocabulary {
  params: string[];
  states: string[];
  /** Plastic synapses: the per-connection variables (`connection`), besides the weight w. */
  connection: string[];
  subexpressions: string[];
  /** What the engines provide: t, dt, and I (neurons) or V_post, wsum, w (synapses). */
  inputs: string[];
  functions: string[];
  units: string[];
}

export function typeVocabulary(input: unknown): TypeVocabulary {
  const doc = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const params = typeof doc.params === 'object' && doc.params !== null ? Object.keys(doc.params) : [];
  const problems: SourceError[] = [];
  let equations: ReturnType<typeof parseEquations> = [];
  try {
    if (typeof doc.equations === 'string') equations = parseEquations(doc.equations, problems);
  } catch {
    // Too many lines: nothing to offer from the equations.
  }
  const synapse = doc.category === 'synapse';
  return {
    params,
    states: equations.filter((e) => e.kind === 'differential').map((e) => e.name),
    connection: synapse && typeof doc.connection === 'string' ? [...connectionNames({ connection: doc.connection })] : [],
    subexpressions: equations.filter((e) => e.kind === 'subexpression').map((e) => e.name),
    inputs: synapse ? ['t', 'dt', 'V_post', 'w', ...(doc.stateOn === 'pre' ? ['wsum'] : [])] : ['t', 'dt', 'I'],
    functions: [...Object.keys(BUILTINS).filter((f) => f !== 'exp_euler'), ...NOTATION_FUNCTIONS],
    units: [...UNIT_NAMES.keys()],
  };
}
