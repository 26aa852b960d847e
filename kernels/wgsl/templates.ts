/**
 * The fixed parts of the WebGPU engine's shader module: buffer bindings, the per-dispatch
 * control block, copy/step setup and the two kernel shapes. The engine's code generator
 * (src-main/engines/webgpu/codegen.ts) fills in the per-group bodies printed from the block
 * definitions; this file only knows strings and numbers, so it stays independent of the
 * compiler.
 *
 * Buffers (every run holds B ≥ 1 copies of one network, laid out copy after copy):
 *   S   f32         states of all blocks and the input-current accumulators of neurons
 *   IS  u32         spike-flag rings and spike-times cursors
 *   ACC atomic<u32> per-step accumulators of spike propagation (fixed point or f32 bits)
 *   C   u32         read-only data: CSR, schedules, tables, per-copy literals
 *   RS  f32         state-probe samples of the chunk being run
 *   RA  atomic<u32> counters of the chunk: rate bins, totals, non-finite flag, spike-list length
 *   RE  u32         the chunk's spike list (all copies and probes, tagged)
 *   U   uniform     chunk bounds
 */

/** Bytes of the control block (padded to the uniform alignment). */
export const CONTROL_SLOT_BYTES = 256;

/** Binding numbers, in the order above. */
export const BINDING = { S: 0, IS: 1, ACC: 2, C: 3, RS: 4, RA: 5, U: 6, RE: 7 } as const;

export interface ModuleFrame {
  /** Per-copy strides (in 4-byte words) of S, IS, ACC, RS, RA. */
  strides: { S: number; IS: number; ACC: number; RS: number; RA: number };
  /** dt as a WGSL f32 literal. */
  dt: string;
  /** Where the per-copy literal table starts in C, and its entries per copy. */
  literalBase: number;
  literalsPerCopy: number;
}

/** Bindings, control block, private per-invocation context and their setup functions. */
export function moduleHeader(f: ModuleFrame): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> S: array<f32>;
@group(0) @binding(1) var<storage, read_write> IS: array<u32>;
@group(0) @binding(2) var<storage, read_write> ACC: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read> C: array<u32>;
@group(0) @binding(4) var<storage, read_write> RS: array<f32>;
@group(0) @binding(5) var<storage, read_write> RA: array<atomic<u32>>;
struct Control {
  step: u32,
  chunk_start: u32,
  chunk_end: u32,
  pad: u32,
}
@group(0) @binding(6) var<uniform> U: Control;
@group(0) @binding(7) var<storage, read_write> RE: array<u32>;

const DT: f32 = ${f.dt};

// The copy this invocation works on, the step, its start time, and the copy's base offsets.
var<private> c: u32;
var<private> i: u32;
var<private> t: f32;
var<private> cS: u32;
var<private> cIS: u32;
var<private> cACC: u32;
var<private> cRS: u32;
var<private> cRA: u32;

fn begin_copy(copy: u32) {
  c = copy;
  cS = copy * ${f.strides.S}u;
  cIS = copy * ${f.strides.IS}u;
  cACC = copy * ${f.strides.ACC}u;
  cRS = copy * ${f.strides.RS}u;
  cRA = copy * ${f.strides.RA}u;
}

fn begin_step(step: u32) {
  i = step;
  t = f32(step) * DT;
}

// Literals that differ between the copies of a batch (swept parameters, seeds, offsets).
fn lit_f(m: u32) -> f32 {
  return bitcast<f32>(C[${f.literalBase}u + c * ${f.literalsPerCopy}u + m]);
}
fn lit_u(m: u32) -> u32 {
  return C[${f.literalBase}u + c * ${f.literalsPerCopy}u + m];
}
`;
}

/** One group of fused element-wise work, as a function of the element index. */
export interface GroupBody {
  name: string;
  /** Threads the group needs per copy (the largest element count of its parts). */
  threads: number;
  /** WGSL statements using `k: u32`. */
  body: string;
}

/**
 * Grid shape: one entry point for every group of a step, one dispatch per group and step,
 * x = element, y = copy. The dispatch says itself which group it is and which step, with no
 * per-dispatch binding: the host pads the workgroup count x so that x mod 2G = 2g + parity,
 * and the step is read from counter 2g + parity (in IS at `counterBase`); one thread writes
 * step + 1 into the group's other counter for its next dispatch. So a step costs the host
 * one dispatch call per group, nothing else.
 */
export function gridEntryPoint(name: string, groups: readonly GroupBody[], workgroupSize: number, counterBase: number): string {
  const codes = 2 * Math.max(1, groups.length);
  const fns = groups.map((g) => `
fn ${g.name}_body(k: u32) {
${indent(g.body, 1)}
}`).join('\n');
  const cases = groups.map((g, k) => `
    case ${k}u: {
      if (gid.x < ${g.threads}u) { ${g.name}_body(gid.x); }
    }`).join('');
  return /* wgsl */ `
${fns}
@compute @workgroup_size(${workgroupSize})
fn ${name}(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let code = nwg.x % ${codes}u;
  let step = IS[${counterBase}u + code];
  if (gid.x == 0u && gid.y == 0u) {
    IS[${counterBase}u + (code ^ 1u)] = step + 1u;
  }
  begin_copy(gid.y);
  begin_step(step);
  switch (code / 2u) {${cases}
    default: {}
  }
}
`;
}

/** A helper entry point in grid shape (x = element, y = copy), e.g. the non-finite check. */
export function gridHelperEntryPoint(g: GroupBody, workgroupSize: number): string {
  return /* wgsl */ `
fn ${g.name}_body(k: u32) {
${indent(g.body, 1)}
}
@compute @workgroup_size(${workgroupSize})
fn ${g.name}(@builtin(global_invocation_id) gid: vec3<u32>) {
  begin_copy(gid.y);
  if (gid.x < ${g.threads}u) {
    ${g.name}_body(gid.x);
  }
}
`;
}

/**
 * Workgroup shape: one workgroup per copy runs every step of the chunk, its threads
 * striding over the elements of each group, with a storage barrier between groups.
 * `tail` runs once after the last step (the non-finite check).
 */
export function workgroupEntryPoint(
  name: string,
  groups: readonly GroupBody[],
  workgroupSize: number,
  tail: GroupBody | null,
): string {
  const fns = [...groups, ...(tail ? [tail] : [])].map((g) => `
fn ${g.name}_body(k: u32) {
${indent(g.body, 1)}
}`).join('\n');
  const loops = groups.map((g) => `
    for (var k = lid; k < ${g.threads}u; k = k + ${workgroupSize}u) {
      ${g.name}_body(k);
    }
    storageBarrier();`).join('');
  const tailLoop = tail ? `
  for (var k = lid; k < ${tail.threads}u; k = k + ${workgroupSize}u) {
    ${tail.name}_body(k);
  }` : '';
  return /* wgsl */ `
${fns}
@compute @workgroup_size(${workgroupSize})
fn ${name}(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  begin_copy(wid.x);
  for (var s = U.chunk_start; s < U.chunk_end; s = s + 1u) {
    begin_step(s);${loops}
  }${tailLoop}
}
`;
}

export function indent(text: string, levels: number): string {
  const pad = '  '.repeat(levels);
  return text.split('\n').map((l) => (l.length > 0 ? pad + l : l)).join('\n');
}
