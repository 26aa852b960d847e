/**
 * The CLI on a machine without a GPU: one plain line says so, and none of the Vulkan
 * loader's messages (which Dawn writes to stderr itself, one of them a stack-like
 * `at CheckVkSuccessImpl (…)`) appear. The child process sees no Vulkan driver: the driver
 * variables point at an empty folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findVulkanDrivers } from '../../src-main/engines/webgpu/vulkan-drivers.js';
import { BIN, EXAMPLES, ROOT } from '../helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-no-gpu-'));
const noDrivers = path.join(tmp, 'icd.d');
fs.mkdirSync(noDrivers);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** `spikeflow run` of the AMPA example in a child process with `env` over this one's. */
function runExample(engine: string, env: NodeJS.ProcessEnv, extra: string[] = []): { code: number | null; stderr: string } {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete base.VK_ICD_FILENAMES;
  delete base.VK_DRIVER_FILES;
  delete base.VK_ADD_DRIVER_FILES;
  const r = spawnSync(process.execPath, [BIN, 'run', path.join(EXAMPLES, 'ampa-lif.json'), '--out-dir', path.join(tmp, engine), '--engine', engine, ...extra], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...base, ...env },
  });
  if (r.error) throw r.error;
  return { code: r.status, stderr: r.stderr };
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('a CLI run without a GPU', () => {
  it('says "No GPU found" in one plain line and nothing of Vulkan (driver folder empty)', () => {
    const r = runExample('auto', { VK_ICD_FILENAMES: noDrivers });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/CheckVkSuccessImpl|vkCreateInstance|Vulkan/);
    expect(lines(r.stderr)).toEqual(['No GPU found: running on the CPU']);
  });

  it('asked for the WebGPU engine, ends with one line naming the cause', () => {
    const r = runExample('webgpu', { VK_DRIVER_FILES: noDrivers });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/CheckVkSuccessImpl|vkCreateInstance/);
    expect(lines(r.stderr)).toEqual([`spikeflow: the WebGPU engine is unavailable: no GPU found (no Vulkan driver is installed: no driver file in VK_DRIVER_FILES=${noDrivers})`]);
  });

  it('runs a sweep\'s copies on the CPU one after another, saying so in one plain line', () => {
    const r = runExample('webgpu', { VK_ICD_FILENAMES: noDrivers }, ['--sweep', 'post.tau=10,20', '--duration', '20 ms']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/CheckVkSuccessImpl|vkCreateInstance/);
    expect(lines(r.stderr)).toEqual(['No GPU found: running the 2 copies one after another on the CPU']);
  });

  // With the variables unset the loader reads the system's folders: only where they hold no driver.
  const systemHasDrivers = (findVulkanDrivers({ ...process.env, VK_ICD_FILENAMES: '', VK_DRIVER_FILES: '' })?.found.length ?? 1) > 0;
  it.skipIf(systemHasDrivers)('says the same with the driver variables unset on a machine with no driver installed', () => {
    const r = runExample('auto', {});
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toEqual(['No GPU found: running on the CPU']);
  });
});
