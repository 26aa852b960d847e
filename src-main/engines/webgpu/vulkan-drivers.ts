/**
 * Whether the Vulkan loader has a driver to load, looked up where the loader looks on Linux
 * (its "driver manifest" .json files), without loading anything.
 *
 * Why ask first: Dawn opened where no driver is installed (a machine without a GPU) writes
 * the loader's complaints to stderr from native code, beyond the reach of this process,
 * among them a stack-like `at CheckVkSuccessImpl (…)` line that looks like a crash. With no
 * driver file the answer is known: no GPU, and Dawn is not opened at all.
 *
 * Where the loader looks (Khronos, "Vulkan Loader: Driver Interface", Linux): only the files
 * and folders in VK_DRIVER_FILES, or its older name VK_ICD_FILENAMES, when set; otherwise
 * `vulkan/icd.d` under $XDG_CONFIG_HOME, $XDG_CONFIG_DIRS, /usr/local/etc, /etc,
 * $XDG_DATA_HOME and $XDG_DATA_DIRS; VK_ADD_DRIVER_FILES adds to either.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface VulkanDriverSearch {
  /** Driver manifest files found. */
  found: string[];
  /** Where they were looked for, in words (for the technical detail of a note). */
  searched: string;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(':').filter((p) => p.length > 0);
}

/** The .json files at `p`: the file itself, or those in the folder. */
function manifests(p: string): string[] {
  try {
    const stat = fs.statSync(p);
    if (stat.isFile()) return [p];
    if (stat.isDirectory()) return fs.readdirSync(p).filter((f) => f.endsWith('.json')).map((f) => path.join(p, f));
  } catch {
    // Missing or unreadable: nothing the loader could use either.
  }
  return [];
}

/**
 * The driver manifests the Vulkan loader would find, or null where that is not how drivers
 * are found (macOS and Windows: Dawn uses Metal or Direct3D 12 there).
 */
export function findVulkanDrivers(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): VulkanDriverSearch | null {
  if (platform !== 'linux') return null;
  const added = list(env.VK_ADD_DRIVER_FILES);
  const chosenVar = list(env.VK_DRIVER_FILES).length > 0 ? 'VK_DRIVER_FILES' : list(env.VK_ICD_FILENAMES).length > 0 ? 'VK_ICD_FILENAMES' : null;
  let places: string[];
  let searched: string;
  if (chosenVar) {
    places = list(env[chosenVar]);
    searched = `${chosenVar}=${env[chosenVar]}`;
  } else {
    const configHome = env.XDG_CONFIG_HOME || path.join(home, '.config');
    const configDirs = list(env.XDG_CONFIG_DIRS || '/etc/xdg');
    const dataHome = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
    const dataDirs = list(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share');
    places = [configHome, ...configDirs, '/usr/local/etc', '/etc', dataHome, ...dataDirs].map((d) => path.join(d, 'vulkan', 'icd.d'));
    searched = places.join(', ');
  }
  if (added.length > 0) searched += `; VK_ADD_DRIVER_FILES=${env.VK_ADD_DRIVER_FILES}`;
  return { found: [...new Set([...places, ...added].flatMap(manifests))], searched };
}
