/**
 * The --gpu-* options of `spikeflow run` through the real CLI: they reach the WebGPU
 * program (--explain shows the shape and the propagation), a run with other choices than
 * the engine's own records the same spikes and traces within f32 rounding, a value outside
 * the choices is refused naming the option, and on the CPU engine they are reported as
 * ignored rather than dropped silently.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, EXAMPLES } from '../helpers/cli.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = SWIFTSHADER;

const dir = mkdtempSync(join(tmpdir(), 'spikeflow-gpu-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const csv = (folder: string, probe: string) => parse(readFileSync(join(dir, folder, `${probe}.csv`), 'utf8'), { columns: true, cast: true }) as Array<Record<string, number>>;

describe('spikeflow run --gpu-*', () => {
  const example = join(EXAMPLES, 'poisson-exp-lif.json');

  it('--explain shows the chosen shape and propagation', () => {
    const own = cli('run', example, '--engine', 'webgpu', '--explain');
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toMatch(/workgroup shape/);
    expect(own.stdout).toMatch(/syn: spikes propagate by list scatter with fixed-point atomics/);
    const chosen = cli('run', example, '--engine', 'webgpu', '--explain', '--gpu-shape', 'grid', '--gpu-propagation', 'gather');
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(chosen.stdout).toMatch(/grid shape: one dispatch per group and step/);
    expect(chosen.stdout).toMatch(/syn: spikes propagate by gather/);
  });

  it('a run with other choices records the same spikes, and traces within f32 rounding', () => {
    const a = cli('run', example, '--engine', 'webgpu', '--duration', '300 ms', '--out-dir', join(dir, 'own'));
    expect(a.code, a.stderr).toBe(0);
    const b = cli('run', example, '--engine', 'webgpu', '--gpu-shape', 'grid', '--gpu-propagation', 'float', '--gpu-scatter', 'list', '--duration', '300 ms', '--out-dir', join(dir, 'chosen'));
    expect(b.code, b.stderr).toBe(0);
    expect(csv('chosen', 'input_spikes')).toEqual(csv('own', 'input_spikes'));
    expect(csv('chosen', 'cell_spikes')).toEqual(csv('own', 'cell_spikes'));
    expect(csv('own', 'cell_spikes').length).toBeGreaterThan(20);
    const va = csv('own', 'cell_V');
    const vb = csv('chosen', 'cell_V');
    expect(vb.length).toBe(va.length);
    expect(va.length).toBeGreaterThan(100);
    let worst = 0;
    va.forEach((row, k) => { for (const key of Object.keys(row)) worst = Math.max(worst, Math.abs(row[key]! - vb[k]![key]!)); });
    expect(worst).toBeLessThan(1e-3); // mV
  });

  it('a value outside the choices names the option and the allowed values', () => {
    const r = cli('run', example, '--gpu-propagation', 'broadcast', '--out-dir', join(dir, 'bad'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/option '--gpu-propagation <mode>' argument 'broadcast' is invalid\. Allowed choices are auto, fixed, float, gather/);
  });

  it('on the CPU engine the options are reported as ignored', () => {
    const r = cli('run', example, '--engine', 'cpu', '--gpu-shape', 'grid', '--out-dir', join(dir, 'cpu'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('the --gpu-* options (shape grid) apply to the WebGPU engine only; ignored on the cpu engine');
  });
});
