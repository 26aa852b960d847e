/** A problem with a project document; the message names the block, port or field. */
export class DocumentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DocumentError';
  }
}
