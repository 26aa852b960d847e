import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Dawn needs a Vulkan driver; without a GPU, SwiftShader from Debian's chromium package.
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
const env: Record<string, string> = {};
if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) env.VK_ICD_FILENAMES = swiftshader;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    env,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits on state (counts, attributes, records): 1 s (its default) is short
    // on a loaded machine; this is a limit, a poll ends as soon as it holds.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    maxWorkers: 2,
  },
});
