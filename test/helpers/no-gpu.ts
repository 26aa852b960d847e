/** Runs a module snippet in a child Node process that sees no Vulkan driver (no GPU adapter). */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the lines of `code` (an ES module, tsx loaded) without a GPU adapter; returns what it writes to stdout, parsed as JSON. */
export function runWithoutGpu<T>(code: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code.join('\n')], {
    cwd: ROOT,
    env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/no-driver.json', VK_DRIVER_FILES: '/nonexistent/no-driver.json' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return JSON.parse(out) as T;
}
