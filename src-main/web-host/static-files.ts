/**
 * Serving the built renderer (dist/renderer) to the browser: files under one folder only
 * (no `..`, no symlinks out of it), the right MIME type for each, index.html for the app's
 * own routes, and a short page that says how to build the renderer when it is missing.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

/** MIME types of the files a Vite build produces (and a few more). */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

/** The MIME type of a file name (application/octet-stream if unknown). */
export function mimeTypeOf(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The page shown when dist/renderer has not been built. */
export function missingRendererPage(rendererDir: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Spikeflow</title></head>
<body style="font-family: system-ui, sans-serif; margin: 3em; max-width: 40em">
<h1>Spikeflow</h1>
<p>The web host is running, but the app's pages have not been built: there is no
<code>index.html</code> in <code>${esc(rendererDir)}</code>.</p>
<p>Build them with <code>npm run build:renderer</code> and reload this page.</p>
</body></html>
`;
}

/**
 * Resolves a URL path to a file under `root`, or null when it is outside `root`, not a
 * regular file, or malformed. Symbolic links are followed only if they stay inside `root`.
 */
export function resolveStaticFile(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rootReal = safeRealpath(root);
  if (!rootReal) return null;
  const relative = path.posix.normalize(decoded).replace(/^(\.\.(\/|$))+/, '').replace(/^\/+/, '');
  const candidate = path.join(rootReal, relative === '' ? 'index.html' : relative);
  const real = safeRealpath(candidate);
  if (!real || (real !== rootReal && !real.startsWith(rootReal + path.sep))) return null;
  try {
    const stat = fs.statSync(real);
    if (stat.isDirectory()) {
      const index = path.join(real, 'index.html');
      return fs.existsSync(index) ? index : null;
    }
    return stat.isFile() ? real : null;
  } catch {
    return null;
  }
}

/** The real path of an existing file; inside Electron's app.asar, where realpath may not apply, the resolved path. */
function safeRealpath(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return /\.asar[\\/]/.test(p) && fs.existsSync(p) ? path.resolve(p) : null;
  }
}

/** Sends a file with its MIME type; HEAD gets the headers only. */
export function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, headers: Record<string, string>): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end('not found\n');
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': mimeTypeOf(file),
    'Content-Length': String(stat.size),
    // Revalidated every time: a rebuilt renderer must never mix with cached files.
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = fs.createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
