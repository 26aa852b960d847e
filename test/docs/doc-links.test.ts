/**
 * The shipped documentation stands on its own: no doc and no block definition cites the
 * project's design notes or seed files (CITES_MISSING), which users do not have; every relative
 * link in README.md and assets/docs/*.md reaches an existing file (and, for a Markdown page,
 * an existing heading), and every block reference that links into the docs does too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BLOCKS } from '../../kernels/index.js';
import { modelsSection } from '../../kernels/references.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = path.join(ROOT, 'assets', 'docs');
/** The upper-case design notes and the seed files (000_….txt) the models were taken from. */
const CITES_MISSING = /\bMODELS\.md\b|\bseeds\/\d/;

const docPages = () => ['README.md', ...fs.readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => path.join('assets', 'docs', f))];

function filesUnder(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => ext.test(f)).map((f) => path.join(dir, f));
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');

function anchorsOf(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

/** The relative link targets of a Markdown page (code blocks and code spans skipped). */
function relativeLinks(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!).filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href));
}

/** Why a relative link from `from` is broken, or undefined when it resolves. */
function brokenLink(from: string, href: string): string | undefined {
  const [target, anchor] = href.split('#') as [string, string | undefined];
  const file = target === '' ? from : path.resolve(path.dirname(from), decodeURIComponent(target));
  if (!fs.existsSync(file)) return `${href}: no file ${path.relative(ROOT, file)}`;
  if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor)) return `${href}: no heading #${anchor} in ${path.relative(ROOT, file)}`;
  return undefined;
}

describe('shipped documentation', () => {
  it('cites no design note or seed file that users do not have', () => {
    const files = [...docPages(), ...filesUnder('kernels', /\.ts$/), ...filesUnder('src-renderer', /\.(svelte|ts)$/), 'scripts/block-docs.ts'];
    const found = files.flatMap((f) => fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n')
      .flatMap((line, i) => (CITES_MISSING.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])));
    expect(found).toEqual([]);
    const refs = BLOCKS.flatMap((b) => b.references.map((r) => `${b.type}: ${typeof r === 'string' ? r : `${r.text} ${r.href}`}`));
    expect(refs.filter((r) => CITES_MISSING.test(r))).toEqual([]);
  });

  it('has relative links that all reach a file and heading', () => {
    const pages = docPages();
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'assets/docs/models.md', 'assets/docs/blocks.md', 'assets/docs/user-guide.md']));
    const broken = pages.flatMap((p) => relativeLinks(path.join(ROOT, p)).flatMap((href) => {
      const why = brokenLink(path.join(ROOT, p), href);
      return why ? [`${p}: ${why}`] : [];
    }));
    expect(broken).toEqual([]);
  });

  it('links every block to its section of the numerical contract, and those links resolve', () => {
    const from = path.join(DOCS, 'blocks.md');
    for (const def of BLOCKS) {
      const local = def.references.flatMap((r) => (typeof r === 'string' || /^https?:/.test(r.href) ? [] : [r.href]));
      expect(local.some((href) => href.startsWith('models.md#')), `${def.type} cites no section of models.md`).toBe(true);
      for (const href of local) expect(brokenLink(from, href), `${def.type}: ${href}`).toBeUndefined();
    }
  });

  it('catches a broken link: a heading that does not exist is reported', () => {
    expect(brokenLink(path.join(DOCS, 'blocks.md'), modelsSection('No such section').href)).toMatch(/no heading #no-such-section/);
    expect(brokenLink(path.join(DOCS, 'blocks.md'), 'no-such-page.md')).toMatch(/no file/);
  });
});
