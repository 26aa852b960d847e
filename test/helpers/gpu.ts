/** Runs one small compute shader on a Dawn device (tests of WGSL snippets). */
import { BufferUsage, MapMode } from '../../src-main/engines/webgpu/device.js';

/**
 * Binds `inputs` as read-only storage at bindings 0…n−1 and an output of `outputBytes` at
 * binding n, runs entry point `main` on `workgroups` workgroups, and returns the output.
 * The shader's compile errors fail with their messages.
 */
export async function runShader(dev: GPUDevice, code: string, inputs: Array<Float32Array | Uint32Array>, outputBytes: number, workgroups: number): Promise<ArrayBuffer> {
  const made: GPUBuffer[] = [];
  const mk = (size: number, usage: number, data?: Float32Array | Uint32Array) => {
    const b = dev.createBuffer({ size, usage, mappedAtCreation: data !== undefined });
    if (data) { new Uint8Array(b.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)); b.unmap(); }
    made.push(b);
    return b;
  };
  try {
    const ins = inputs.map((d) => mk(d.byteLength, BufferUsage.STORAGE, d));
    const out = mk(outputBytes, BufferUsage.STORAGE | BufferUsage.COPY_SRC);
    const read = mk(outputBytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST);
    const module = dev.createShaderModule({ code });
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error').map((m) => m.message);
    if (errors.length > 0) throw new Error(`WGSL: ${errors.join('; ')}`);
    const pipeline = await dev.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const bg = dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [...ins, out].map((buffer, binding) => ({ binding, resource: { buffer } })) });
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(workgroups); pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, outputBytes);
    dev.queue.submit([enc.finish()]);
    await read.mapAsync(MapMode.READ);
    const result = read.getMappedRange().slice(0);
    read.unmap();
    return result;
  } finally {
    for (const b of made) b.destroy();
  }
}
