/**
 * Build of the renderer (src-renderer → dist/renderer): the Svelte app that the Electron
 * shell loads and the web host serves. Runes are switched on for our own components only;
 * rete-svelte-plugin's components are written in the pre-runes syntax and compile as such.
 */
import { fileURLToPath } from 'node:url';
import { svelte, vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: 'src-renderer',
  // Relative asset URLs: the same build works from the web host and from file:// in Electron.
  base: './',
  plugins: [
    svelte({
      preprocess: [vitePreprocess()],
      dynamicCompileOptions({ filename }) {
        if (!filename.includes('node_modules')) return { runes: true };
      },
    }),
  ],
  resolve: {
    alias: {
      // The bundled build of elk.js runs in the page without a worker file or eval.
      elkjs: `${here}node_modules/elkjs/lib/elk.bundled.js`,
    },
  },
  css: {
    preprocessorOptions: {
      // rete-svelte-plugin's own styles use Sass features that are deprecated, not ours.
      scss: { quietDeps: true, silenceDeprecations: ['import', 'global-builtin', 'color-functions'] },
    },
  },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2500,
    sourcemap: false,
    // The build is small; Rolldown's report of slow plugins is noise in test logs.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: { host: '127.0.0.1' },
});
