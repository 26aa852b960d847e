/**
 * `npm run docs`: writes the block reference (assets/docs/blocks.md) from the block
 * definitions. `--check` writes nothing and exits 1 when the committed file is out of date.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BLOCK_DOCS_PATH, renderBlockDocs } from './block-docs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = resolve(root, BLOCK_DOCS_PATH);
const text = renderBlockDocs();
const shown = relative(process.cwd(), target) || target;

if (process.argv.includes('--check')) {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (current !== text) {
    console.error(`${shown} is out of date; run "npm run docs" and commit the result`);
    process.exitCode = 1;
  } else {
    console.log(`${shown} is up to date`);
  }
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.log(`wrote ${shown} (${text.split('\n').length} lines)`);
}
