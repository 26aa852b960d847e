/**
 * The desktop app opens only its own documentation links without asking; other web links
 * are asked about, and anything that is not a plain http(s) URL is refused.
 */
import { describe, expect, it } from 'vitest';
import { BLOCKS } from '../../kernels/index.js';
import { documentationLinks, externalLinkAction } from '../../src-main/app/external-links.js';

describe('external links', () => {
  it('opens every paper and library page the block definitions cite', () => {
    const cited = BLOCKS.flatMap((b) => b.references).flatMap((r) => (typeof r !== 'string' && r.href.startsWith('https://') ? [r.href] : []));
    expect(cited.length).toBeGreaterThan(5);
    for (const href of cited) expect(externalLinkAction(href), href).toBe('open');
    expect(documentationLinks().size).toBeGreaterThan(5);
  });

  it('asks about other web links, including look-alikes of the cited ones', () => {
    const [first] = documentationLinks();
    const u = new URL(first!);
    for (const url of [
      'https://example.com/',
      `https://${u.host}.evil.example${u.pathname}`,
      `${first}?next=https://evil.example`,
      `http://${u.host}/other/page`,
      'https://doi.org/10.9999/not-cited',
    ]) {
      expect(externalLinkAction(url), url).toBe('ask');
    }
  });

  it('refuses what is not a plain http(s) URL', () => {
    const [first] = documentationLinks();
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'spikeflow://app/index.html',
      first!.replace('https://', 'https://user:pw@'),
      'not a url',
      '',
    ]) {
      expect(externalLinkAction(url), url).toBe('refuse');
    }
  });
});
