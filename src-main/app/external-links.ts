/**
 * Which links the desktop app opens in the system browser without asking: exactly the
 * documentation links the app itself shows (the papers and library pages its block
 * definitions cite). Any other URL a page could ask to open (a link in an imported
 * project's description, a compromised renderer) is not opened silently: main.ts asks
 * first, and only http(s) is ever handed to the system. No Electron import here, so the
 * rules are tested without the Electron binary.
 */
import { BLOCKS } from '../../kernels/index.js';

/** Every http(s) link the block definitions cite, normalised by URL. */
export function documentationLinks(): Set<string> {
  const links = new Set<string>();
  for (const block of BLOCKS) {
    for (const ref of block.references) {
      if (typeof ref !== 'string' && /^https?:\/\//.test(ref.href)) links.add(new URL(ref.href).href);
    }
  }
  return links;
}

let known: Set<string> | undefined;

/** What the shell does with a URL a page asks to open. */
export type ExternalLinkAction = 'open' | 'ask' | 'refuse';

/**
 * 'open' for one of the app's documentation links, 'ask' for any other plain http(s)
 * URL, 'refuse' for everything else (file:, javascript:, custom schemes, URLs with
 * credentials, which can disguise where they lead).
 */
export function externalLinkAction(url: string): ExternalLinkAction {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'refuse';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'refuse';
  if (parsed.username !== '' || parsed.password !== '') return 'refuse';
  known ??= documentationLinks();
  return known.has(parsed.href) ? 'open' : 'ask';
}
