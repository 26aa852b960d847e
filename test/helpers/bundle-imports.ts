/**
 * The module specifiers a bundled file loads: static `from "x"`, bare `import "x"`,
 * `import("x")` and `require("x")`. A specifier is made of name characters only (letters,
 * digits, `_@.:/+-`), which keeps strings in bundled messages such as `… from ${x} in "…"` or
 * `"--from").option("…` from reading as imports.
 */
export function importsOf(code: string): string[] {
  const spec = '([\\w@.:/+-]+)';
  const pattern = new RegExp(`\\bfrom\\s*"${spec}"|\\bimport\\s*\\(\\s*"${spec}"\\s*\\)|\\brequire\\(\\s*"${spec}"\\s*\\)|^import\\s*"${spec}"`, 'gm');
  const found = new Set<string>();
  for (const m of code.matchAll(pattern)) found.add((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  return [...found];
}
