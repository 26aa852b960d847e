/**
 * Saving files from the page: text and images as downloads (object URLs), and URLs the
 * host prepared (CSV). In the desktop app the shell turns downloads into save dialogs.
 */

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
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Downloads from a URL of the host (its Content-Disposition names the file). */
export function downloadUrl(url: string): void {
  clickLink(url, '');
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
