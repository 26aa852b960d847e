/**
 * The block reference (assets/docs/blocks.md), rendered from the block definitions in
 * kernels/: per category, per block its title, type, doc, references, parameters,
 * states, ports, helper functions, update code and, for synapses, how it connects.
 * Pure: `renderBlockDocs()` returns the text, `scripts/generate-block-docs.ts` writes it,
 * and a test checks that the committed file equals it.
 */
import { BLOCKS } from '../kernels/index.js';
import type { BlockCategory, BlockDef, ParamDef, PortDef, Reference, SynapseSpec } from '../kernels/types.js';
import { BUILTINS } from '../src-shared/expr/builtins.js';

/** Where the generated reference lives, relative to the repository root. */
export const BLOCK_DOCS_PATH = 'assets/docs/blocks.md';

const CATEGORIES: ReadonlyArray<[BlockCategory, string, string]> = [
  ['source', 'Spike sources', 'Populations that emit spikes on a schedule or at random; output: spikes.'],
  ['current', 'Current sources', 'Currents injected into every neuron of the connected block; currents into a neuron are summed.'],
  ['neuron', 'Neurons', 'Populations of point neurons; input: the summed current; outputs: spikes and the membrane potential.'],
  ['synapse', 'Synapses', 'Connections from a presynaptic population to a postsynaptic neuron block; output: the current into the postsynaptic neurons.'],
  ['probe', 'Probes', 'Recorders; attach them to any output. Recordings are written to CSV and kept in the lab store.'],
];

/** Escapes text for a Markdown table cell: GFM reads a backslash-pipe as a pipe, even in code spans. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return text === '' ? '' : `\`${text}\``;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** Shown for a unit: `1` for dimensionless quantities. */
function unitText(unit: string): string {
  return unit === '' ? '1' : unit;
}

/** A number as written in the docs: plain, or 1e9 / 1e-4 style when very large or small. */
function num(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential().replace('e+', 'e');
  return String(v);
}

function boundsText(p: ParamDef): string {
  if (p.kind !== 'quantity' && p.kind !== 'integer') return '';
  const unit = p.kind === 'quantity' && p.unit ? ` ${p.unit}` : '';
  const parts: string[] = [];
  if (p.min !== undefined) parts.push(`${p.kind === 'quantity' && p.exclusiveMin ? '>' : '≥'} ${num(p.min)}${unit}`);
  if (p.max !== undefined) parts.push(`≤ ${num(p.max)}${unit}`);
  return parts.join(', ');
}

/** [unit column, default column] of a parameter. */
function paramColumns(p: ParamDef): [string, string] {
  switch (p.kind) {
    case 'quantity': return [unitText(p.unit), p.defaultFrom ? `= ${p.defaultFrom}` : num(p.default)];
    case 'integer': return ['integer', num(p.default)];
    case 'enum': return [`one of ${p.values.map((v) => `"${v}"`).join(', ')}`, `"${p.default}"`];
    case 'spike-list': return ['list of [neuron, time (ms)]', 'none'];
    case 'quantity-list': return [`list of ${unitText(p.unit)}`, 'empty'];
    case 'index-set': return ['"all" or list of indices', '"all"'];
    case 'state-name': return ['state name', 'voltage state, else first state'];
    case 'time-expression': return [`expression of t in ${unitText(p.unit)}`, `"${p.default}"`];
  }
}

function paramsSection(def: BlockDef): string[] {
  const entries = Object.entries(def.params);
  if (entries.length === 0) return ['**Parameters:** none.'];
  return [
    '**Parameters**',
    '',
    ...table(
      ['name', 'unit', 'default', 'bounds', 'description'],
      entries.map(([name, p]) => [code(name), paramColumns(p)[0], paramColumns(p)[1], boundsText(p), p.doc]),
    ),
  ];
}

function statesSection(def: BlockDef): string[] {
  const entries = Object.entries(def.states);
  if (entries.length === 0) return ['**States:** none.'];
  return [
    '**States** (one value per element; the initial value may be overridden per block in `init`, as a constant or a distribution)',
    '',
    ...table(
      ['name', 'unit', 'initial value', 'description'],
      entries.map(([name, s]) => [code(name), unitText(s.unit), code(s.init), s.doc]),
    ),
  ];
}

function portRows(direction: string, ports: Readonly<Record<string, PortDef>>): string[][] {
  return Object.entries(ports).map(([name, p]) => [
    code(name), direction, p.type, p.unit ?? '', p.required ? 'yes' : 'no', p.doc,
  ]);
}

function portsSection(def: BlockDef): string[] {
  const rows = [...portRows('in', def.inputs), ...portRows('out', def.outputs)];
  if (rows.length === 0) return ['**Ports:** none.'];
  return ['**Ports**', '', ...table(['name', 'direction', 'socket', 'unit', 'required', 'description'], rows)];
}

function functionsSection(def: BlockDef): string[] {
  const entries = Object.entries(def.functions ?? {});
  if (entries.length === 0) return [];
  return [
    '**Helper functions** (inlined into the code that calls them)',
    '',
    '```',
    ...entries.map(([name, f]) => `${name}(${f.args.join(', ')}) = ${f.body}`),
    '```',
  ];
}

function updateSection(def: BlockDef): string[] {
  if (def.update.length === 0) {
    const how: Record<string, string> = {
      'spike-times': 'the engines emit the listed spikes from a schedule sorted at compile time',
      piecewise: 'the engines look the amplitude up in the list of (step, amplitude) pairs built at compile time',
      probe: 'probes record; they have no update code',
      elementwise: 'none',
    };
    return [`**Update code:** none (${how[def.template] ?? def.template}).`];
  }
  const jumps = def.onJump
    ? ['', '**Jump statements** (run first in each step when something is connected to J; models.md, "Voltage jumps")', '', '```', ...def.onJump, '```']
    : [];
  return ['**Update code** (one statement per line, run once per step and element)', '', '```', ...def.update, '```', ...jumps];
}

function variantText(spec: SynapseSpec, value: string | Record<string, string>, fmt: (s: string) => string): string {
  if (typeof value === 'string') return fmt(value);
  return Object.entries(value)
    .map(([variant, v]) => `${fmt(v)} (${spec.variantParam ?? 'variant'} = "${variant}")`)
    .join('; ');
}

function synapseSection(def: BlockDef): string[] {
  const spec = def.synapse;
  if (!spec) return [];
  const where = spec.stateOn === 'post'
    ? `per postsynaptic neuron (linear synapse): a presynaptic spike adds the connection weight w_ij to ${code(spec.jump ?? '?')}`
    : `per presynaptic neuron (kinetic synapse): the postsynaptic side receives ` +
      `wsum_j = Σ_i w_ij·${spec.gather ?? '?'}_i over the incoming connections`;
  const lines = [
    '**Connection**',
    '',
    `- State lives ${where}.`,
    `- Weight: ${spec.weightDoc} Unit ${variantText(spec, spec.weightUnit, (u) => unitText(u))}; default ${num(spec.weightDefault)}.`,
    `- Current into postsynaptic neuron j (nA): ${variantText(spec, spec.current, code)}.`,
  ];
  if (Object.values(def.states).some((s) => s.unit.includes('{w}'))) {
    lines.push('- `{w}` in a state unit stands for the weight unit.');
  }
  lines.push('- Connectivity rule, weight (constant or distribution) and delay are set in the block\'s `connection`.');
  return lines;
}

/** A reference as Markdown: a link where it has one (relative links point into assets/docs, beside this page). */
function reference(r: Reference): string {
  return typeof r === 'string' ? r : `[${r.text}](${r.href})`;
}

function blockSection(def: BlockDef): string[] {
  return [
    `### ${def.title}`,
    '',
    `Type: \`${def.type}\` · ${def.sized ? 'has a population size (`size`)' : 'takes its size from its connections'}`,
    '',
    def.doc,
    '',
    `References: ${def.references.map(reference).join('; ')}.`,
    '',
    ...paramsSection(def),
    '',
    ...statesSection(def),
    '',
    ...portsSection(def),
    '',
    ...functionsSection(def),
    '',
    ...updateSection(def),
    '',
    ...(def.synapse ? [...synapseSection(def), ''] : []),
  ];
}

function languageSection(): string[] {
  return [
    '## The update language',
    '',
    'Update code is one statement `name = expression` per line. Assigning a state updates it ' +
      'for the following statements; any other name is a local. Expressions have numbers, ' +
      '`true`/`false`, arithmetic (`+ - * /`), comparisons, `&&`, `||`, `!` and `c ? a : b`. ' +
      'Every block can read `t` (start of the step, ms), `dt` (ms) and `step`; neurons read ' +
      '`I` (summed input current, nA); kinetic synapses read `spike_in` (a presynaptic spike ' +
      'in this step) or `V_pre` (presynaptic voltage); synapse currents read `V_post`. Spiking ' +
      'blocks assign the boolean `spike`, current sources assign `I_out`.',
    '',
    ...table(
      ['built-in', 'arguments', 'meaning'],
      Object.entries(BUILTINS).map(([name, b]) => [code(name), String(b.arity), b.doc]),
    ),
  ];
}

/** The whole reference as Markdown. */
export function renderBlockDocs(): string {
  const lines: string[] = [
    '# Block reference',
    '',
    '<!-- Generated from the block definitions in kernels/ by `npm run docs` ' +
      '(scripts/generate-block-docs.ts). Do not edit by hand: test/docs/block-docs.test.ts ' +
      'fails when this file is out of date. -->',
    '',
    'Every block a project can use. Parameters are written in a project document as a number ' +
      'in the unit shown or as text with any compatible unit ("0.5 ms", "6 nS", "100 Mohm"); ' +
      'internal units are those of [the numerical contract](models.md#units) (ms, mV, nA, µS, nF, MΩ, mM, Hz), ' +
      'which also says how blocks are stepped, ordered within a step and recorded.',
    '',
  ];
  for (const [category, heading] of CATEGORIES) {
    const blocks = BLOCKS.filter((b) => b.category === category);
    if (blocks.length === 0) continue;
    lines.push(`- [${heading}](#${heading.toLowerCase().replace(/[^a-z0-9]+/g, '-')}): ` +
      blocks.map((b) => `\`${b.type}\``).join(', '));
  }
  lines.push('');
  for (const [category, heading, intro] of CATEGORIES) {
    const blocks = BLOCKS.filter((b) => b.category === category);
    if (blocks.length === 0) continue;
    lines.push(`## ${heading}`, '', intro, '');
    for (const def of blocks) lines.push(...blockSection(def));
  }
  lines.push(...languageSection(), '');
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}
