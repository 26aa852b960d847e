/**
 * Threefry-2x32-20 (kernels/random.ts) in WebAssembly SIMD, for the two places the CPU side
 * draws many words at once, in two forms of one generated module:
 *
 *   elements   `random24Block`: the first word, shifted right by 8, of (seed, stream,
 *              element, counter) for a range of elements — the CPU engine's per-step draws
 *              (a Poisson source: one per neuron and step).
 *   counters   `hash4Counters`: the first word of (seed, stream, element, counter) for a
 *              range of counters — what a HostRandom hands out one after another
 *              (src-main/compiler/host-random.ts: connectivity, weights, initial values).
 *
 * The numbers are the contract's; they are computed 16 at a time: four i32x4 vectors side by
 * side, so that both the vector units and the processor's parallelism are used (measured 2.3×
 * the JavaScript four-lane form, which is itself 3–4× one call per element). WebAssembly also
 * runs at full speed from its first call, where JavaScript first runs in V8's interpreter:
 * the compiler draws a network's connections once, in a process that has just started, and
 * the JavaScript form spent ~25 ms there before it was optimised (#15). Where WebAssembly
 * SIMD is missing, kernels/random.ts's JavaScript is used.
 *
 * Each module is small enough to write out here (about 1.7 kB): one function
 * `fill(x0, x1, k0, k1, k2, i1, i2, i3, i4, count)` that writes `count` words (a multiple of
 * 16) to its memory from byte 0. x0 and x1 are the first word's inputs after the key is
 * added (counter + k0, element + k1); the form says which of them counts up. i1…i4 are the
 * key injections of x1. A caller copies the words out a tile at a time.
 */
import { hash4, random24Block } from '../../kernels/random.js';

/** Rotations of Threefry-2x32 (Salmon et al. 2011, table 4). */
const ROT = [13, 15, 26, 6, 17, 29, 16, 24] as const;
const PARITY = 0x1bd11bda;
/** Vectors of four lanes computed side by side. */
const VECTORS = 4;
/** Elements per call of `fill`: 16 KiB of the module's one 64 KiB page. */
const TILE = 4096;

// ---- a minimal WebAssembly encoder: just what the module below needs ----------------------

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
/** SIMD instructions (prefix 0xfd): v128.store, v128.const, i32x4.splat, v128.or/xor, i32x4.shl/shr_u/add. */
const SIMD = { store: 0x0b, const: 0x0c, splat: 0x11, or: 0x50, xor: 0x51, shl: 0xab, shrU: 0xad, add: 0xae } as const;
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const get = (local: number): number[] => [0x20, ...uleb(local)];
const set = (local: number): number[] => [0x21, ...uleb(local)];
const i32 = (v: number): number[] => [0x41, ...sleb(v)];
const v128 = (lanes: [number, number, number, number]): number[] => [...simd(SIMD.const), ...new Uint8Array(new Int32Array(lanes).buffer)];
const splat4 = (v: number): number[] => v128([v, v, v, v]);

/** Which input word counts up across the words a module computes, and the shift of its output. */
export type ThreefryForm = 'elements' | 'counters';

/** The module's bytes (exports `fill` and `mem`). */
export function threefryModuleBytes(form: ThreefryForm = 'elements'): Uint8Array {
  // Parameters 0…9 (i32), then the v128 locals, then two i32 locals.
  const P = { x0: 0, x1: 1, k0: 2, k1: 3, k2: 4, i1: 5, i2: 6, i3: 7, i4: 8, count: 9 };
  let next = 10;
  const lanes = Array.from({ length: VECTORS }, () => ({ x0: next++, x1: next++ }));
  const V = { fixed: next++, k0: next++, k1: next++, k2: next++, i1: next++, i2: next++, i3: next++, i4: next++, base: next++ };
  const vectorLocals = next - 10;
  const ptr = next++;
  const end = next++;
  const code: number[] = [];
  const emit = (...parts: number[][]) => { for (const p of parts) code.push(...p); };
  // The word that counts up starts as base (its first value in each of the four lanes, + 0…3);
  // the other is the same for every word.
  const [counting, fixed] = form === 'elements' ? [P.x1, P.x0] : [P.x0, P.x1];

  for (const k of ['k0', 'k1', 'k2', 'i1', 'i2', 'i3', 'i4'] as const) emit(get(P[k]), simd(SIMD.splat), set(V[k]));
  emit(get(fixed), simd(SIMD.splat), set(V.fixed));
  emit(get(counting), simd(SIMD.splat), v128([0, 1, 2, 3]), simd(SIMD.add), set(V.base));
  emit(i32(0), set(ptr), get(P.count), i32(4), [0x6c /* i32.mul */], set(end));
  emit([0x02, 0x40 /* block */], [0x03, 0x40 /* loop */]);
  emit(get(ptr), get(end), [0x4f /* i32.ge_u */], [0x0d, 0x01 /* br_if out of the block */]);
  lanes.forEach((l, j) => {
    const [up, same] = form === 'elements' ? [l.x1, l.x0] : [l.x0, l.x1];
    emit(get(V.fixed), set(same), get(V.base));
    if (j > 0) emit(splat4(4 * j), simd(SIMD.add));
    emit(set(up));
  });
  // Round: x0 += x1; x1 = rotl(x1, r) ^ x0. Key injection after every fourth round.
  const injections = [[V.k1, V.i1], [V.k2, V.i2], [V.k0, V.i3], [V.k1, V.i4], [V.k2, null]] as const;
  for (let s = 0; s < 5; s++) {
    for (let r = 0; r < 4; r++) {
      const rot = ROT[(s % 2) * 4 + r]!;
      for (const l of lanes) {
        emit(get(l.x0), get(l.x1), simd(SIMD.add), set(l.x0));
        emit(get(l.x1), i32(rot), simd(SIMD.shl), get(l.x1), i32(32 - rot), simd(SIMD.shrU), simd(SIMD.or), get(l.x0), simd(SIMD.xor), set(l.x1));
      }
    }
    const [k, inj] = injections[s]!;
    for (const l of lanes) {
      emit(get(l.x0), get(k), simd(SIMD.add), set(l.x0));
      if (inj !== null) emit(get(l.x1), get(inj), simd(SIMD.add), set(l.x1));
    }
  }
  // Store x0 of each vector (>>> 8 for random24; alignment 2^4, offset 16·j), then advance.
  lanes.forEach((l, j) => emit(get(ptr), get(l.x0), ...(form === 'elements' ? [i32(8), simd(SIMD.shrU)] : []), simd(SIMD.store), [4, ...uleb(16 * j)]));
  emit(get(V.base), splat4(4 * VECTORS), simd(SIMD.add), set(V.base));
  emit(get(ptr), i32(16 * VECTORS), [0x6a], set(ptr));
  emit([0x0c, 0x00 /* br to the loop */], [0x0b], [0x0b], [0x0b /* end loop, block, function */]);

  const body = [...vec([[...uleb(vectorLocals), 0x7b /* v128 */], [...uleb(2), 0x7f /* i32 */]]), ...code];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(Array.from({ length: 10 }, () => [0x7f])), 0x00]])), // type: (i32 × 10) → ()
    ...section(3, vec([[0x00]])), // one function of type 0
    ...section(5, vec([[0x00, 0x01]])), // one memory, one page
    ...section(7, vec([[...name('fill'), 0x00, 0x00], [...name('mem'), 0x02, 0x00]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

export type Random24Block = (seed: number, stream: number, counter: number, lo: number, hi: number, out: Uint32Array) => void;
export type Hash4Counters = (seed: number, stream: number, element: number, counter: number, n: number, out: Uint32Array) => void;

/** What this file uses of the WebAssembly API (the project's TypeScript setup has no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

type Fill = (x0: number, x1: number, k0: number, k1: number, k2: number, i1: number, i2: number, i3: number, i4: number, count: number) => void;

/** `fill` and a tile view of the module's memory, or null where WebAssembly SIMD does not run. */
function instantiate(form: ThreefryForm): { fill: Fill; tile: Uint32Array } | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const bytes = threefryModuleBytes(form);
  if (!wasm || !wasm.validate(bytes)) return null;
  const { fill, mem } = new wasm.Instance(new wasm.Module(bytes)).exports as { fill: Fill; mem: { buffer: ArrayBuffer } };
  return { fill, tile: new Uint32Array(mem.buffer, 0, TILE) };
}

/**
 * Words [0, n) of a module of `form` into out[0, n), for the first word's inputs `counter`
 * and `element` (one of which counts up, by form), in tiles. Whole groups of 16: the last
 * group's extra words land in the tile and are not copied.
 */
function fillWords(m: { fill: Fill; tile: Uint32Array }, form: ThreefryForm, seed: number, stream: number, counter: number, element: number, n: number, out: Uint32Array): void {
  const k0 = seed | 0, k1 = stream | 0, k2 = k0 ^ k1 ^ PARITY;
  const i1 = (k2 + 1) | 0, i2 = (k0 + 2) | 0, i3 = (k1 + 3) | 0, i4 = (k2 + 4) | 0;
  for (let w = 0; w < n; w += TILE) {
    const count = Math.min(TILE, n - w);
    const x0 = (counter + k0 + (form === 'counters' ? w : 0)) | 0;
    const x1 = (element + k1 + (form === 'elements' ? w : 0)) | 0;
    m.fill(x0, x1, k0, k1, k2, i1, i2, i3, i4, Math.ceil(count / (4 * VECTORS)) * 4 * VECTORS);
    out.set(count === TILE ? m.tile : m.tile.subarray(0, count), w);
  }
}

/** The SIMD form of random24Block where WebAssembly SIMD runs here; null where it does not. */
export function simdRandom24Block(): Random24Block | null {
  const m = instantiate('elements');
  return m && ((seed, stream, counter, lo, hi, out) => fillWords(m, 'elements', seed, stream, counter, lo, hi - lo, out));
}

/** The SIMD form of hash4Counters where WebAssembly SIMD runs here; null where it does not. */
export function simdHash4Counters(): Hash4Counters | null {
  const m = instantiate('counters');
  return m && ((seed, stream, element, counter, n, out) => fillWords(m, 'counters', seed, stream, counter, element, n, out));
}

// Both forms are built on first use: a process needs at most one of them early (the compiler
// the counters, an engine worker the elements), and building one costs a few ms at start-up.
let random24BlockForm: Random24Block | undefined;
let hash4CountersForm: Hash4Counters | undefined;

/** The fastest form this process runs: SIMD, or kernels/random.ts's JavaScript. */
export const fastRandom24Block: Random24Block = (seed, stream, counter, lo, hi, out) =>
  (random24BlockForm ??= simdRandom24Block() ?? random24Block)(seed, stream, counter, lo, hi, out);

/**
 * `hash4(seed, stream, element, counter + m)` for m in [0, n), into out[0, n): SIMD, or one
 * kernels/random.ts call per word where SIMD does not run.
 */
export const hash4Counters: Hash4Counters = (seed, stream, element, counter, n, out) =>
  (hash4CountersForm ??= simdHash4Counters() ?? hash4EachCounter)(seed, stream, element, counter, n, out);

function hash4EachCounter(seed: number, stream: number, element: number, counter: number, n: number, out: Uint32Array): void {
  for (let m = 0; m < n; m++) out[m] = hash4(seed, stream, element, (counter + m) >>> 0);
}
