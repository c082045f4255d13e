// Style rules as tests: line width, JSDoc on every export (with an example that runs and asserts
// on the public API), no import of a mod.ts from inside src/, and no kernel source that repeats
// another with only the dtype names changed (DESIGN.md §9).

import assert from "node:assert/strict";
import { DTYPE_NAMES } from "../mod.ts";

const ROOT = new URL("../", import.meta.url);
const MAX_COLUMNS = 100;
const SKIP_DIRS = new Set(["lib", "zig-out", ".zig-cache", "node_modules", ".tools"]);

/** Paths (relative to the repository) of the files under `dir` whose names end in `exts`. */
function listFiles(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(new URL(rel, ROOT))];
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory && !SKIP_DIRS.has(entry.name)) visit(path);
      else if (entry.isFile && exts.some((x) => entry.name.endsWith(x))) out.push(path);
    }
  };
  visit(dir);
  return out;
}

function read(path: string): string {
  return Deno.readTextFileSync(new URL(path, ROOT));
}

/** Reports every broken rule at once, one line each. */
function assertNone(problems: string[], rule: string): void {
  if (problems.length > 0) assert.fail(`${rule}:\n  ${problems.join("\n  ")}`);
}

Deno.test(`lines are at most ${MAX_COLUMNS} columns`, () => {
  const files = [
    "mod.ts",
    ...["src", "tests", "scripts", "examples"].flatMap((d) => listFiles(d, [".ts"])),
    ...listFiles("native", [".zig"]),
  ];
  const problems: string[] = [];
  for (const file of files) {
    read(file).split("\n").forEach((line, i) => {
      const columns = [...line].length;
      if (columns > MAX_COLUMNS) problems.push(`${file}:${i + 1} has ${columns} columns`);
    });
  }
  assertNone(problems, `lines over ${MAX_COLUMNS} columns`);
});

/** Source with comments and string contents blanked, so patterns match code only. */
function codeOnly(source: string): string {
  return source.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g,
    (m) => {
      if (m.startsWith("/")) return m.replace(/[^\n]/g, " ");
      return m[0] + m.slice(1, -1).replace(/[^\n]/g, " ") + m[0];
    },
  );
}

Deno.test("nothing in src/ imports a mod.ts (JSDoc examples may)", () => {
  const problems: string[] = [];
  for (const file of listFiles("src", [".ts"])) {
    const source = read(file);
    const code = codeOnly(source);
    // Module specifiers are string literals: find them in the code, then read the original text.
    const pattern = /\b(?:from|import)\s*\(?\s*(["'])/g;
    for (const m of code.matchAll(pattern)) {
      const start = m.index! + m[0].length;
      const end = source.indexOf(m[1], start);
      const specifier = source.slice(start, end);
      if (/(^|\/)mod\.ts$/.test(specifier)) {
        const line = source.slice(0, start).split("\n").length;
        problems.push(`${file}:${line} imports ${specifier}`);
      }
    }
  }
  assertNone(problems, "imports of a mod.ts from inside src/ (import the module itself)");
});

/** An exported declaration and the JSDoc block right above it (if any). */
interface Declaration {
  file: string;
  line: number;
  name: string;
  kind: string;
  doc: string | undefined;
}

const DECLARATION = new RegExp(
  "^export\\s+(?:declare\\s+)?(?:default\\s+)?(?:async\\s+)?(?:abstract\\s+)?" +
    "(function\\*?|class|const|let|interface|type|enum)\\s+([A-Za-z_$][\\w$]*)",
);

/** The exported declarations of a file. */
function declarations(file: string): Declaration[] {
  const lines = read(file).split("\n");
  const out: Declaration[] = [];
  lines.forEach((text, i) => {
    const m = DECLARATION.exec(text);
    if (m === null) return;
    let doc: string | undefined;
    let j = i - 1;
    if (j >= 0 && lines[j].trim().endsWith("*/")) {
      while (j >= 0 && !lines[j].trim().startsWith("/**")) j--;
      if (j >= 0) doc = lines.slice(j, i).join("\n");
    }
    out.push({ file, line: i + 1, kind: m[1].replace("*", ""), name: m[2], doc });
  });
  return out;
}

Deno.test("every export in src/ and mod.ts has a JSDoc block", () => {
  const problems: string[] = [];
  for (const file of ["mod.ts", ...listFiles("src", [".ts"])]) {
    for (const d of declarations(file)) {
      if (d.doc === undefined) problems.push(`${d.file}:${d.line} ${d.kind} ${d.name}`);
    }
  }
  assertNone(problems, "exports without JSDoc");
});

/** A re-export: `[local, exported]` names (values only), or `"*"` for `export * (as ns) from`. */
interface ReExport {
  names: [string, string][] | "*";
  from: string;
}

/** The `export { a, type B, c as d } from "x"` and `export * from "x"` of a module. */
function reExports(file: string): ReExport[] {
  const code = read(file);
  const out: ReExport[] = [];
  for (const m of code.matchAll(/^export\s+(type\s+)?\{([^}]*)\}\s*from\s*["']([^"']+)["']/gm)) {
    if (m[1] !== undefined) continue; // `export type { … }`: types only
    const names = m[2].split(",").map((s) => s.trim())
      .filter((s) => s !== "" && !s.startsWith("type "))
      .map((s): [string, string] => {
        const [local, exported] = s.split(/\s+as\s+/);
        return [local, exported ?? local];
      });
    out.push({ names, from: m[3] });
  }
  for (const m of code.matchAll(/^export\s+\*\s*(?:as\s+\w+\s+)?from\s*["']([^"']+)["']/gm)) {
    out.push({ names: "*", from: m[1] });
  }
  return out;
}

function resolve(from: string, specifier: string): string {
  return new URL(specifier, new URL(from, ROOT)).pathname.slice(ROOT.pathname.length);
}

/** The declarations of every value exported from mod.ts, following re-exports. */
function publicApi(): { exported: string; decl: Declaration | undefined; where: string }[] {
  const out: { exported: string; decl: Declaration | undefined; where: string }[] = [];
  const find = (file: string, name: string): Declaration | undefined => {
    const own = declarations(file).find((d) => d.name === name);
    if (own !== undefined) return own;
    for (const r of reExports(file)) {
      const next = resolve(file, r.from);
      if (r.names === "*") {
        const d = find(next, name);
        if (d !== undefined) return d;
      } else {
        const hit = r.names.find(([, exported]) => exported === name);
        if (hit !== undefined) return find(next, hit[0]);
      }
    }
    return undefined;
  };
  const visit = (file: string): void => {
    for (const d of declarations(file)) {
      if (d.kind !== "interface" && d.kind !== "type") {
        out.push({ exported: d.name, decl: d, where: file });
      }
    }
    for (const r of reExports(file)) {
      const next = resolve(file, r.from);
      if (r.names === "*") {
        visit(next);
        continue;
      }
      for (const [local, exported] of r.names) {
        out.push({ exported, decl: find(next, local), where: next });
      }
    }
  };
  visit("mod.ts");
  return out;
}

Deno.test("every public function and class has an example that imports mod.ts and asserts", () => {
  const problems: string[] = [];
  const api = publicApi();
  assert.ok(api.length > 10, "the public API was not found in mod.ts");
  for (const { exported, decl, where } of api) {
    if (decl === undefined) {
      problems.push(`${exported}: no declaration found from ${where}`);
      continue;
    }
    if (decl.kind !== "function" && decl.kind !== "class") continue;
    const at = `${decl.file}:${decl.line} ${exported}`;
    const examples = (decl.doc ?? "").split("@example").slice(1);
    if (examples.length === 0) {
      problems.push(`${at} has no @example`);
      continue;
    }
    for (const example of examples) {
      if (!/from\s+["'][^"']*mod\.ts["']/.test(example)) {
        problems.push(`${at}: example does not import mod.ts`);
      }
      if (!/\bassert\b/.test(example)) problems.push(`${at}: example asserts nothing`);
    }
  }
  assertNone(problems, "public API without a runnable example");
});

const DTYPE_WORD = new RegExp(
  `(?<![A-Za-z0-9])(?:${DTYPE_NAMES.join("|")})(?![A-Za-z0-9])`,
  "g",
);

/** Kernel source reduced to what matters: comments, blank space and dtype names taken out. */
function normalised(source: string): string {
  return source
    .replace(/\/\/[^\n]*/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(DTYPE_WORD, "DTYPE")
    .replace(/\s+/g, " ")
    .trim();
}

Deno.test("no kernel source repeats another with other dtype names", () => {
  const files = listFiles("native", [".zig", ".cu", ".cuh", ".c", ".h", ".wgsl"]);
  assert.ok(files.length > 0, "no kernel sources under native/");
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const file of files) {
    const key = normalised(read(file));
    const twin = seen.get(key);
    if (twin !== undefined) problems.push(`${file} repeats ${twin}`);
    else seen.set(key, file);
  }
  assertNone(problems, "kernel sources that differ only in dtype names (generate them instead)");
});
