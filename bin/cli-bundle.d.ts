/** The CLI bundle's entry file under `root` when it is up to date with the sources, else null. */
export function currentBundle(root: string): string | null;
/** The classic-script build of the command (scripts/build-cli.ts scriptBuild), relative to dist/cli. */
export const SCRIPT_FILE: string;
