/**
 * src-main/engines/webgpu/vulkan-drivers.ts: the driver files the Vulkan loader would find
 * on Linux, read from temporary folders standing in for the system's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findVulkanDrivers } from '../../../src-main/engines/webgpu/vulkan-drivers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spikeflow-icd-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A folder under the temporary one, with the files named (written empty). */
function folder(name: string, files: string[] = []): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) fs.writeFileSync(path.join(dir, f), '{}');
  return dir;
}

/** An environment whose standard places are all under `root` (nothing of the machine's is read). */
function isolated(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    XDG_CONFIG_HOME: path.join(root, 'config'), XDG_CONFIG_DIRS: path.join(root, 'xdg'),
    XDG_DATA_HOME: path.join(root, 'data'), XDG_DATA_DIRS: path.join(root, 'share'),
    ...extra,
  };
}

describe('findVulkanDrivers', () => {
  it('reads only VK_DRIVER_FILES or VK_ICD_FILENAMES when set: files, or the .json files of folders', () => {
    const empty = folder('empty');
    const withDriver = folder('with-driver', ['swiftshader.json', 'readme.txt']);
    expect(findVulkanDrivers({ VK_ICD_FILENAMES: empty }, 'linux')!.found).toEqual([]);
    expect(findVulkanDrivers({ VK_ICD_FILENAMES: '/nonexistent/driver.json' }, 'linux')!.found).toEqual([]);
    expect(findVulkanDrivers({ VK_ICD_FILENAMES: `${empty}:${withDriver}` }, 'linux')!.found).toEqual([path.join(withDriver, 'swiftshader.json')]);
    const file = path.join(withDriver, 'swiftshader.json');
    expect(findVulkanDrivers({ VK_ICD_FILENAMES: file }, 'linux')).toEqual({ found: [file], searched: `VK_ICD_FILENAMES=${file}` });
    // The newer name wins over the older one.
    expect(findVulkanDrivers({ VK_DRIVER_FILES: empty, VK_ICD_FILENAMES: file }, 'linux')!.found).toEqual([]);
  });

  it('otherwise looks in vulkan/icd.d of the XDG folders, and VK_ADD_DRIVER_FILES adds to either', () => {
    const root = folder('std');
    const none = findVulkanDrivers(isolated(root), 'linux', path.join(root, 'home'))!;
    expect(none.searched).toContain(path.join(root, 'share', 'vulkan', 'icd.d'));
    expect(none.searched).toContain('/etc/vulkan/icd.d');
    // /etc and /usr/local/etc are always searched; this machine's own drivers may be there.
    const system = [...new Set(['/usr/local/etc', '/etc'].flatMap((d) => {
      const dir = path.join(d, 'vulkan', 'icd.d');
      return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f)) : [];
    }))];
    expect(none.found).toEqual(system);
    const share = folder('std/share/vulkan/icd.d', ['gpu.json']);
    expect(findVulkanDrivers(isolated(root), 'linux', path.join(root, 'home'))!.found).toContain(path.join(share, 'gpu.json'));
    const added = folder('added', ['extra.json']);
    expect(findVulkanDrivers({ VK_ICD_FILENAMES: folder('empty2'), VK_ADD_DRIVER_FILES: added }, 'linux')!.found).toEqual([path.join(added, 'extra.json')]);
  });

  it('does not apply where Dawn uses Metal or Direct3D 12', () => {
    expect(findVulkanDrivers({}, 'darwin')).toBeNull();
    expect(findVulkanDrivers({}, 'win32')).toBeNull();
  });
});
