/**
 * `random24Block` (kernels/random.ts) in WebAssembly SIMD, for the CPU engine's per-step
 * draws (a Poisson source: one per neuron and step). The numbers are the same —
 * Threefry-2x32-20's first word, shifted right by 8, for (seed, stream, element, counter) —
 * computed 16 elements at a time: four i32x4 vectors side by side, so that both the vector
 * units and the processor's parallelism are used (measured 2.3× the JavaScript four-lane
 * form, which is itself 3–4× one call per element). Where WebAssembly SIMD is missing, the
 * JavaScript form is used.
 *
 * The module is small enough to write out here (about 1.7 kB): one function
 * `fill(x0, k0, k1, k2, i1, i2, i3, i4, first, count)` that writes the draws of elements
 * first … first + count − 1 (count a multiple of 16) to its memory from byte 0, with
 * x0 = counter + k0 and i1…i4 the key injections of x1 (see random24Block). A caller copies
 * them out a tile at a time.
 */
import { random24Block } from '../../../kernels/random.js';

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

/** The module's bytes (exports `fill` and `mem`). */
export function threefryModuleBytes(): Uint8Array {
  // Parameters 0…9 (i32), then the v128 locals, then two i32 locals.
  const P = { x0: 0, k0: 1, k1: 2, k2: 3, i1: 4, i2: 5, i3: 6, i4: 7, first: 8, count: 9 };
  let next = 10;
  const lanes = Array.from({ length: VECTORS }, () => ({ x0: next++, x1: next++ }));
  const V = { x0: next++, k0: next++, k1: next++, k2: next++, i1: next++, i2: next++, i3: next++, i4: next++, base: next++ };
  const vectorLocals = next - 10;
  const ptr = next++;
  const end = next++;
  const code: number[] = [];
  const emit = (...parts: number[][]) => { for (const p of parts) code.push(...p); };

  // Every scalar in all four lanes; base: the x1 of the first vector's elements before the key (element + k1).
  for (const k of ['x0', 'k0', 'k1', 'k2', 'i1', 'i2', 'i3', 'i4'] as const) emit(get(P[k]), simd(SIMD.splat), set(V[k]));
  emit(get(P.first), get(P.k1), [0x6a /* i32.add */], simd(SIMD.splat), v128([0, 1, 2, 3]), simd(SIMD.add), set(V.base));
  emit(i32(0), set(ptr), get(P.count), i32(4), [0x6c /* i32.mul */], set(end));
  emit([0x02, 0x40 /* block */], [0x03, 0x40 /* loop */]);
  emit(get(ptr), get(end), [0x4f /* i32.ge_u */], [0x0d, 0x01 /* br_if out of the block */]);
  lanes.forEach((l, j) => {
    emit(get(V.x0), set(l.x0), get(V.base));
    if (j > 0) emit(splat4(4 * j), simd(SIMD.add));
    emit(set(l.x1));
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
  // Store x0 >>> 8 of each vector (alignment 2^4, offset 16·j), then advance.
  lanes.forEach((l, j) => emit(get(ptr), get(l.x0), i32(8), simd(SIMD.shrU), simd(SIMD.store), [4, ...uleb(16 * j)]));
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

/** What this file uses of the WebAssembly API (the project's TypeScript setup has no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** The SIMD form where WebAssembly SIMD runs here; null where it does not. */
export function simdRandom24Block(): Random24Block | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const bytes = threefryModuleBytes();
  if (!wasm || !wasm.validate(bytes)) return null;
  const { fill, mem } = new wasm.Instance(new wasm.Module(bytes)).exports as {
    fill: (...args: number[]) => void;
    mem: { buffer: ArrayBuffer };
  };
  const tile = new Uint32Array(mem.buffer, 0, TILE);
  return (seed, stream, counter, lo, hi, out) => {
    const k0 = seed | 0, k1 = stream | 0, k2 = k0 ^ k1 ^ PARITY;
    const x0 = (counter + k0) | 0, i1 = (k2 + 1) | 0, i2 = (k0 + 2) | 0, i3 = (k1 + 3) | 0, i4 = (k2 + 4) | 0;
    for (let at = lo; at < hi; at += TILE) {
      const n = Math.min(TILE, hi - at);
      // Whole groups of 16: the last group's extra draws land in the tile and are not copied.
      fill(x0, k0, k1, k2, i1, i2, i3, i4, at, Math.ceil(n / (4 * VECTORS)) * 4 * VECTORS);
      out.set(n === TILE ? tile : tile.subarray(0, n), at - lo);
    }
  };
}

/** The fastest form this process runs: SIMD, or kernels/random.ts's JavaScript. */
export const fastRandom24Block: Random24Block = simdRandom24Block() ?? random24Block;
