/**
 * The Content-Security-Policy of the renderer page, one definition for the Electron shell
 * and the web host: scripts only from the app itself (no inline script, no eval), no
 * plugins, no framing, no form posts, and connections only back to the app (the web host
 * adds its own WebSocket origin). Inline styles are allowed because Svelte transitions,
 * Rete and uPlot position elements through style attributes.
 */

export interface CspOptions {
  /** Extra `connect-src` sources, e.g. the web host's `ws://127.0.0.1:PORT`. */
  connect?: string[];
}

/** The policy as one header value. */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
