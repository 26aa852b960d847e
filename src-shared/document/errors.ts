/** One problem of a document and where it is: the block (by id) and the field within it. */
export interface DocumentIssue {
  block?: string;
  /** `type`, `params.tau`, `run.dt`; for an edge, `edge #2` or `edge #2 from`. */
  field?: string;
  message: string;
}

/**
 * A problem with a project document; the message names the block, port or field (a line
 * per problem), and `issues` holds the same problems one by one, so that callers (the
 * app's diagnostics on blocks) never have to parse the message.
 */
export class DocumentError extends Error {
  readonly issues: readonly DocumentIssue[];

  constructor(message: string, options?: { cause?: unknown; issues?: DocumentIssue[] }) {
    super(message, options);
    this.name = 'DocumentError';
    this.issues = options?.issues ?? [{ message }];
  }
}
