/**
 * The layers the code is built in, checked on every import:
 * - `src-shared` and `kernels` run on both sides (main process, renderer, worker), so they
 *   import nothing from `src-main` or `src-renderer`, nor electron, nor Node's builtins;
 * - the renderer reaches the main process only through the API (src-shared/api.ts), so it
 *   imports nothing from `src-main`;
 * - the API service is what the CLI, the web host and the app call, so `src-main/api`
 *   imports nothing from `src-main/cli`.
 * Static imports, `export … from` and dynamic `import('…')` with a literal specifier of every
 * .ts and .svelte file are read; a specifier computed at run time cannot be checked.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Every specifier a source file imports, in order of appearance. */
export function importSpecifiers(source: string): string[] {
  // Comments go first, so that a commented-out import or a doc comment quoting one is not read.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const found: Array<[number, string]> = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[\w*${}\s,]*?\bfrom\s*(['"])([^'"]+)\1/g, // import x from '…', export { y } from '…'
    /\bimport\s*(['"])([^'"]+)\1/g, // import '…' (side effects)
    /\bimport\s*\(\s*(['"`])([^'"`$]+)\1\s*[,)]/g, // import('…')
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push([m.index, m[2]!]);
  return found.sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}

const BUILTINS = new Set(builtinModules);

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

/** The .ts and .svelte files under `dir` (relative to the repository). */
function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const rel = path.posix.join(d, e.name);
      if (e.isDirectory()) walk(rel);
      else if (/\.(ts|svelte)$/.test(e.name)) out.push(rel);
    }
  };
  walk(dir);
  return out;
}

/** Where a relative specifier of `file` lands, relative to the repository; null for a package. */
function target(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
}

interface Rule {
  /** The folders whose files the rule applies to. */
  from: string[];
  /** What a file there may not import: a folder of the repository, or a package test. */
  forbidden: Array<{ folder: string } | { what: string; test: (specifier: string) => boolean }>;
}

/** Imports of the files under `rule.from` that break it, as "file → specifier". */
function violations(rule: Rule): string[] {
  const bad: string[] = [];
  for (const dir of rule.from) {
    for (const file of sources(dir)) {
      for (const spec of importSpecifiers(fs.readFileSync(path.join(ROOT, file), 'utf8'))) {
        const to = target(file, spec);
        const broken = rule.forbidden.some((f) => 'folder' in f
          ? to !== null && (to === f.folder || to.startsWith(`${f.folder}/`))
          : to === null && f.test(spec));
        if (broken) bad.push(`${file} → ${spec}`);
      }
    }
  }
  return bad;
}

describe('import scanner', () => {
  it('reads static, re-exported, side-effect and dynamic imports, and skips comments', () => {
    const src = [
      "import fs from 'node:fs';",
      "import type { A,\n  B } from '../x/a.js';",
      "import * as ns from \"./ns.js\";",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "import './side.css';",
      "const m = await import('webgpu');",
      "const n = import(`./tpl.js`);",
      "const v = import(specifier);",
      "// import gone from 'commented';",
      "/* import gone2 from 'block-comment'; */",
      "const url = 'http://example.org/x'; import os from 'os';",
    ].join('\n');
    expect(importSpecifiers(src)).toEqual(['node:fs', '../x/a.js', './ns.js', './c.js', './d.js', './side.css', 'webgpu', './tpl.js', 'os']);
  });

  it('tells builtins and relative targets', () => {
    expect(['node:fs', 'fs', 'fs/promises', 'path', 'zod', 'webgpu'].filter(isBuiltin)).toEqual(['node:fs', 'fs', 'fs/promises', 'path']);
    expect(target('src-main/api/service.ts', '../cli/batch-run.js')).toBe('src-main/cli/batch-run.js');
    expect(target('src-shared/api.ts', 'zod')).toBeNull();
  });
});

describe('layers', () => {
  it('src-shared and kernels import nothing from src-main, src-renderer, electron or Node builtins', () => {
    expect(violations({
      from: ['src-shared', 'kernels'],
      forbidden: [
        { folder: 'src-main' },
        { folder: 'src-renderer' },
        { what: 'electron', test: (s) => s === 'electron' || s.startsWith('electron/') },
        { what: 'a Node builtin', test: isBuiltin },
      ],
    })).toEqual([]);
  });

  it('the renderer imports nothing from src-main', () => {
    expect(violations({ from: ['src-renderer'], forbidden: [{ folder: 'src-main' }] })).toEqual([]);
  });

  it('the API service imports nothing from the command line', () => {
    expect(violations({ from: ['src-main/api'], forbidden: [{ folder: 'src-main/cli' }] })).toEqual([]);
  });

  it('checks files that exist (each layer has sources)', () => {
    for (const dir of ['src-shared', 'kernels', 'src-renderer', 'src-main/api']) expect(sources(dir).length, dir).toBeGreaterThan(0);
  });
});
