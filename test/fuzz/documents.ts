/**
 * Hostile and careless project documents for the fuzz tests, made by mutating every example
 * in assets/examples: fields missing or of the wrong type, unknown blocks and keys,
 * prototype keys, units missing or wrong, zero, negative, NaN and huge numbers, 1e9-neuron
 * blocks, endless runs, dangling and duplicate edges, deep nesting, bytes that are not
 * UTF-8, a byte-order mark, and empty and 50 MB files. Seeded, so every run of the tests
 * sees the same documents.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface FuzzDocument {
  /** "coba.json: unit wrong (blocks[2].params.tau)". */
  name: string;
  /** The mutation's kind, for counting. */
  kind: string;
  bytes: Buffer;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** A small seeded generator (mulberry32), so the documents are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every object in the document with the path that leads to it. */
function objects(doc: Json, at = ''): Array<[string, Obj]> {
  const out: Array<[string, Obj]> = [];
  const walk = (v: Json, p: string) => {
    if (Array.isArray(v)) v.forEach((x, k) => walk(x, `${p}[${k}]`));
    else if (isObj(v)) {
      out.push([p || '(document)', v]);
      for (const [k, x] of Object.entries(v)) walk(x, p ? `${p}.${k}` : k);
    }
  };
  walk(doc, at);
  return out;
}

/** Every quantity written as text with a unit ("10 ms"), with its holder and key. */
function quantities(doc: Json): Array<[string, Obj | Json[], string | number, string]> {
  const out: Array<[string, Obj | Json[], string | number, string]> = [];
  const walk = (v: Json, p: string) => {
    if (Array.isArray(v)) v.forEach((x, k) => { if (typeof x === 'string' && /^-?[\d.]+(e-?\d+)?\s+\S/.test(x)) out.push([`${p}[${k}]`, v, k, x]); else walk(x, `${p}[${k}]`); });
    else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        const q = p ? `${p}.${k}` : k;
        if (typeof x === 'string' && /^-?[\d.]+(e-?\d+)?\s+\S/.test(x)) out.push([q, v, k, x]);
        else walk(x, q);
      }
    }
  };
  walk(doc, '');
  return out;
}

/** Sets an own property, even "__proto__" (which plain assignment would turn into a prototype). */
function setOwn(o: Obj, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

type Mutation = (doc: Obj, pick: <T>(xs: readonly T[]) => T, rnd: () => number) => string | Buffer;

const text = (doc: Json) => JSON.stringify(doc, null, 1);
const blocksOf = (doc: Obj) => (Array.isArray(doc.blocks) ? doc.blocks.filter(isObj) : []);
const edgesOf = (doc: Obj) => (Array.isArray(doc.edges) ? doc.edges.filter(isObj) : []);

const WRONG_TYPED: Json[] = [null, true, 42, -1, 'text', [], {}, [1, 2, 3], { dist: 'normal' }, ''];
const PROTO_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
// The small positive one is 1e-5: as a dt it makes the 2 ms runs 2e5 steps. 1e-7 made a
// valid 2e7-step Hodgkin-Huxley run, slow rather than hostile (validate reports its work).
const BAD_NUMBERS = ['0 ms', '-1 ms', '-0 ms', 'NaN ms', 'Infinity ms', '1e308 ms', '-1e308 ms', '1e400 ms', '1e-320 ms', '0.00001 ms'];

/** Each mutation, named; every example gets each of them once (with its own random choices). */
const MUTATIONS: Array<[string, Mutation]> = [
  ['field missing', (doc, pick) => {
    const [, o] = pick(objects(doc));
    const keys = Object.keys(o);
    if (keys.length > 0) delete o[pick(keys)];
    return text(doc);
  }],
  ['top-level field missing', (doc, pick) => { delete doc[pick(['format', 'version', 'name', 'run', 'blocks', 'edges'])]; return text(doc); }],
  ['field of the wrong type', (doc, pick) => {
    const [, o] = pick(objects(doc));
    const keys = Object.keys(o);
    if (keys.length > 0) o[pick(keys)] = pick(WRONG_TYPED);
    return text(doc);
  }],
  ['top-level field of the wrong type', (doc, pick) => { doc[pick(['format', 'version', 'name', 'run', 'blocks', 'edges'])] = pick(WRONG_TYPED); return text(doc); }],
  ['unknown block type', (doc, pick) => { const b = pick(blocksOf(doc)); b.type = pick(['no-such-block', 'LIF', '', 'lif ', 'constructor']); return text(doc); }],
  ['unknown key', (doc, pick) => { const [, o] = pick(objects(doc)); o[pick(['bogus', 'extra', 'Size', 'params2'])] = 1; return text(doc); }],
  ['unknown parameter', (doc, pick) => { const b = pick(blocksOf(doc)); b.params = { ...(isObj(b.params) ? b.params : {}), no_such_param: '1 ms' }; return text(doc); }],
  ['prototype key as a parameter or initial value', (doc, pick) => {
    const b = pick(blocksOf(doc));
    const holder = pick(['params', 'init']);
    const o: Obj = isObj(b[holder]) ? (b[holder] as Obj) : {};
    setOwn(o, pick(PROTO_KEYS), pick(['1 ms', 1, { polluted: true }]));
    b[holder] = o;
    return text(doc);
  }],
  ['prototype name as an id, state or port', (doc, pick) => {
    const name = pick(PROTO_KEYS.slice(1));
    const probe = blocksOf(doc).find((b) => b.type === 'state-probe');
    const choice = pick(['id', 'state', 'port']);
    if (choice === 'state' && probe) probe.params = { state: name };
    else if (choice === 'port' && edgesOf(doc).length > 0) { const e = pick(edgesOf(doc)); e.to = `${String(e.to).split('.')[0]}.${name}`; }
    else { const b = pick(blocksOf(doc)); const old = b.id; b.id = name; for (const e of edgesOf(doc)) { for (const end of ['from', 'to']) if (String(e[end]).startsWith(`${String(old)}.`)) e[end] = `${name}.${String(e[end]).split('.')[1]}`; } }
    return text(doc);
  }],
  ['unit missing', (doc, pick) => {
    const qs = quantities(doc);
    if (qs.length > 0) { const [, holder, key, value] = pick(qs); (holder as Record<string | number, Json>)[key] = value.split(/\s+/)[0]!; }
    return text(doc);
  }],
  ['unit wrong', (doc, pick) => {
    const qs = quantities(doc);
    if (qs.length > 0) { const [, holder, key, value] = pick(qs); (holder as Record<string | number, Json>)[key] = `${value.split(/\s+/)[0]} ${pick(['furlongs', 'mV', 'ms', 'nS', 'Hz', 'm', '', 'mV/ms/kg'])}`; }
    return text(doc);
  }],
  ['zero, negative, NaN or huge number', (doc, pick) => {
    const qs = quantities(doc);
    if (qs.length > 0) { const [, holder, key, value] = pick(qs); (holder as Record<string | number, Json>)[key] = pick(BAD_NUMBERS).replace('ms', value.split(/\s+/).slice(1).join(' ')); }
    return text(doc);
  }],
  ['huge bare number', (doc, pick) => {
    const qs = quantities(doc);
    if (qs.length > 0) { const [, holder, key] = pick(qs); (holder as Record<string | number, Json>)[key] = pick([0, -1, 1e308, -1e308, 5e-324]); }
    return text(doc);
  }],
  ['1e9-neuron block', (doc, pick) => {
    const sized = blocksOf(doc).filter((b) => typeof b.size === 'number');
    const b = sized.length > 0 ? pick(sized) : pick(blocksOf(doc));
    b.size = pick([1e9, 2 ** 31, 1e12, 1e300]);
    return text(doc);
  }],
  ['every block 1e9 neurons', (doc) => { for (const b of blocksOf(doc)) if (typeof b.size === 'number') b.size = 1e9; return text(doc); }],
  ['endless run', (doc, pick) => {
    const run = isObj(doc.run) ? doc.run : (doc.run = {});
    const [field, value] = pick<[string, Json]>([['duration', 1e308], ['duration', '1e12 ms'], ['dt', '1e-300 ms'], ['dt', '1e-9 ms'], ['duration', '1e308 ms'], ['dt', 1e-300]]);
    run[field] = value;
    return text(doc);
  }],
  ['huge or negative delay', (doc, pick) => {
    const syn = blocksOf(doc).filter((b) => isObj(b.connection) || /synap|ampa|gabaa|nmda|exponential|alpha|graded/.test(String(b.type)));
    if (syn.length > 0) { const b = pick(syn); b.connection = { ...(isObj(b.connection) ? b.connection : { rule: 'all-to-all' }), delay: pick(['1e9 ms', '-1 ms', '1e308 ms', 'NaN ms']) }; }
    return text(doc);
  }],
  ['connection rule out of range', (doc, pick) => {
    const syn = blocksOf(doc).filter((b) => isObj(b.connection) || /ampa|gabaa|nmda|exponential|alpha|graded|dual/.test(String(b.type)));
    if (syn.length > 0) {
      const b = pick(syn);
      b.connection = pick<Json>([
        { rule: 'fixed-probability' }, { rule: 'fixed-probability', p: 2 }, { rule: 'fixed-indegree', indegree: 1e9 },
        { rule: 'pairs', pairs: [[0, 1e9]] }, { rule: 'one-to-one' }, { rule: 'pairs' }, { rule: 'all-to-all', weight: { dist: 'normal', mean: '1 nS', sd: '-1 nS' } },
        { rule: 'all-to-all', weight: { dist: 'uniform', low: '2 nS', high: '1 nS' } }, { rule: 'no-such-rule' },
      ]);
    }
    return text(doc);
  }],
  ['dangling edge', (doc, pick) => {
    const edges = Array.isArray(doc.edges) ? doc.edges : (doc.edges = []);
    const e = edgesOf(doc).length > 0 ? pick(edgesOf(doc)) : { from: 'a.spikes', to: 'b.I' };
    edges.push(pick<Json>([
      { from: 'ghost.spikes', to: e.to as Json }, { from: e.from as Json, to: 'ghost.I' }, { from: `${String(e.from).split('.')[0]}.nope`, to: e.to as Json },
      { from: e.from as Json, to: 'no-dot' }, { from: '', to: '' }, { from: 'a.b.c', to: e.to as Json },
    ]));
    return text(doc);
  }],
  ['duplicate edge or block', (doc, pick) => {
    if (pick([true, false]) && edgesOf(doc).length > 0) (doc.edges as Json[]).push({ ...pick(edgesOf(doc)) });
    else (doc.blocks as Json[]).push({ ...pick(blocksOf(doc)) });
    return text(doc);
  }],
  ['deep nesting', (doc, pick) => {
    const depth = pick([1000, 100_000]);
    const b = pick(blocksOf(doc));
    const deep = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    return text(doc).replace(`"id": ${JSON.stringify(b.id)}`, `"id": ${JSON.stringify(b.id)}, "nested": ${deep}`);
  }],
  ['bytes that are not UTF-8', (doc, pick) => {
    const raw = Buffer.from(text(doc), 'utf8');
    const at = raw.indexOf(Buffer.from(`"${String(doc.name)}"`)) + 1 || Math.floor(raw.length / 2);
    const bad = pick([Buffer.from([0xff, 0xfe]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])]);
    return Buffer.concat([raw.subarray(0, at), bad, raw.subarray(at)]);
  }],
  ['byte-order mark', (doc) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text(doc), 'utf8')])],
  ['truncated', (doc, _pick, rnd) => { const t = text(doc); return t.slice(0, Math.floor(t.length * rnd())); }],
  ['control characters and odd names', (doc, pick) => {
    doc.name = pick(['\x1b[2J', '\u0000\u0007', '\ud800', 'x'.repeat(10_000), '']);
    const b = pick(blocksOf(doc));
    b.id = pick([b.id as Json, 'a.b', 'é', '1abc', 'x'.repeat(300)]);
    return text(doc);
  }],
  ['seed out of range', (doc, pick) => { if (isObj(doc.run)) doc.run.seed = pick([-1, 2 ** 40, 1.5, 'seven', null]); return text(doc); }],
];

/** Documents not made from an example: empty, blank, 50 MB, many probes. */
function specials(base: Obj): FuzzDocument[] {
  const doc = (kind: string, name: string, bytes: Buffer | string) => ({ kind, name: `${name}`, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8') });
  const fifty = 50 * 1024 * 1024;
  const valid = text(base);
  const probes = structuredClone(base);
  probes.blocks = [...blocksOf(probes), ...Array.from({ length: 300_000 }, (_, k) => ({ id: `p${k}`, type: 'spike-probe' }))];
  // Recorded spike trains: one just under the largest document (16 MB), one of 42 MB.
  const train = (spikes: number) => {
    const doc = structuredClone(base);
    const source = blocksOf(doc).find((b) => b.type === 'spike-times');
    if (source && isObj(source.params)) source.params.spikes = Array.from({ length: spikes }, (_, k) => [0, `${(k * 2e-6).toFixed(6)} ms`]);
    return text(doc);
  };
  return [
    doc('empty file', 'empty file', ''),
    doc('empty file', 'blank file', ' \n\t\n'),
    doc('empty file', 'null', 'null'),
    doc('empty file', 'empty object', '{}'),
    doc('empty file', 'a number', '1e999'),
    doc('50 MB file', '50 MB of whitespace around a valid document', `${valid}${' '.repeat(fifty - valid.length)}`),
    doc('50 MB file', '50 MB name', valid.replace(`"name": ${JSON.stringify(base.name)}`, `"name": "${'n'.repeat(fifty)}"`)),
    doc('50 MB file', '300,000 unconnected probes', text(probes)),
    doc('50 MB file', '360,000 spike times (15 MB)', train(360_000)),
    doc('50 MB file', '1,000,000 spike times (42 MB)', train(1_000_000)),
  ];
}

/** Neurons an example may have in the fuzz tests (each accepted document is run). */
const MAX_NEURONS = 2000;

/**
 * Scales a large example down (block sizes and fixed in-degrees by one factor), so that a
 * mutation that makes a model large is what makes it large, and each case stays quick:
 * Brunel's 12,500 neurons and 1.6e7 connections take a minute to draw and stop on a busy
 * machine, and teach the fuzz test nothing a smaller copy does not.
 */
function shrink(example: Obj): void {
  const sized = blocksOf(example).filter((b) => typeof b.size === 'number');
  const total = sized.reduce((sum, b) => sum + (b.size as number), 0);
  if (total <= MAX_NEURONS) return;
  const factor = Math.ceil(total / MAX_NEURONS);
  for (const b of sized) b.size = Math.max(3, Math.round((b.size as number) / factor));
  for (const b of blocksOf(example)) {
    if (isObj(b.connection) && typeof b.connection.indegree === 'number') b.connection.indegree = Math.max(1, Math.round(b.connection.indegree / factor));
  }
}

/** The kinds of mutation (each example gets most of them; every kind goes to many examples). */
export const MUTATION_KINDS = MUTATIONS.map(([kind]) => kind);

/**
 * About `count` fuzz documents: mutations of every example — the mutations dealt round
 * after round, example by example, each round shifted by one, so that every example gets
 * as many as fit and every kind of mutation reaches many examples — and the special files.
 * The number stays the same as examples are added (a CLI process per case costs time).
 */
export function fuzzDocuments(examplesDir: string, count = 320, seed = 20261202): FuzzDocument[] {
  const rnd = seeded(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const files = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort();
  const examples = files.map((file) => {
    const example = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as Obj;
    // Short runs: a mutation that makes a run endless must be what makes it endless.
    if (isObj(example.run)) example.run.duration = '2 ms';
    shrink(example);
    return { file, example };
  });
  const base = examples.find((e) => e.file === 'ampa-lif.json')?.example ?? examples[0]!.example;
  const special = specials(base);
  const out: FuzzDocument[] = [];
  const wanted = Math.max(count - special.length, examples.length);
  for (let round = 0; round < MUTATIONS.length && out.length < wanted; round++) {
    for (let e = 0; e < examples.length && out.length < wanted; e++) {
      const { file, example } = examples[e]!;
      const [kind, mutate] = MUTATIONS[(e + round) % MUTATIONS.length]!;
      const mutated = mutate(structuredClone(example), pick, rnd);
      out.push({ kind, name: `${file}: ${kind}`, bytes: Buffer.isBuffer(mutated) ? mutated : Buffer.from(mutated, 'utf8') });
    }
  }
  return [...out, ...special];
}
