/** The CLI bundle's entry file under `root` when it is up to date with the sources, else null. */
export function currentBundle(root: string): string | null;
