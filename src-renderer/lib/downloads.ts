/**
 * Saving files from the page: text and images as downloads (object URLs), and URLs the
 * host prepared (CSV). In the desktop app the shell turns downloads into save dialogs.
 * A browser may save a download without a word, so every download is announced by name to
 * the listeners of onDownload (the studio shows a notice).
 */

type DownloadListener = (filename: string) => void;
const listeners = new Set<DownloadListener>();

/** Calls `listener` with the file's name whenever a download starts; returns the unsubscribe. */
export function onDownload(listener: DownloadListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(filename: string): void {
  for (const listener of listeners) listener(filename);
}

/** The file name of a Content-Disposition header (`attachment; filename="x.csv"`), or null. */
export function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1]!;
  }
}

function clickLink(href: string, filename?: string): void {
  const a = document.createElement('a');
  a.href = href;
  if (filename !== undefined) a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
}

/** Offers `text` as a file download. */
export function downloadText(filename: string, text: string, type = 'text/plain'): void {
  downloadBlob(filename, new Blob([text], { type }));
}

/** Offers a blob as a file download. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  clickLink(url, filename);
  announce(filename);
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Downloads from a URL of the host (its Content-Disposition names the file). The name is
 * announced once a HEAD request of the same URL has told it.
 */
export function downloadUrl(url: string): void {
  clickLink(url, '');
  // A failed download shows in the browser's own list; only a good one is announced.
  fetch(url, { method: 'HEAD' }).then(
    (res) => {
      if (res.ok) announce(dispositionName(res.headers.get('Content-Disposition')) ?? 'the file');
    },
    () => undefined,
  );
}

/** Lets the user pick several files; resolves with them (none when cancelled). */
export function pickFiles(accept: string): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.multiple = true;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      resolve([...(input.files ?? [])]);
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve([]);
      input.remove();
    });
    document.body.append(input);
    input.click();
  });
}

/** Lets the user pick a file; resolves with it, or null when cancelled. */
export function pickFile(accept: string): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      resolve(input.files?.[0] ?? null);
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve(null);
      input.remove();
    });
    document.body.append(input);
    input.click();
  });
}
