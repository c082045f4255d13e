// The WGSL helper library (float, int, complex and math helpers) and `withHelpers`, which appends
// to a shader exactly the helpers it calls, directly or through other helpers: each kernel
// compiles only what it uses (the math helpers are long), and every helper is written once.

import { MATH_PRELUDE } from "./math.ts";
import { COMPLEX_PRELUDE, FLOAT_PRELUDE, INT_PRELUDE } from "./ops.ts";

interface Item {
  readonly name: string;
  readonly text: string;
  readonly uses: readonly string[];
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;
const START = /^(?:fn|const|struct)\s+([A-Za-z_][A-Za-z0-9_]*)/;

/** Splits helper sources into top-level items (a comment block goes with the item after it). */
function split(sources: readonly string[]): Item[] {
  const items: Item[] = [];
  for (const src of sources) {
    let pending: string[] = [];
    let cur: { name: string; lines: string[] } | null = null;
    const flush = () => {
      if (cur) {
        const text = cur.lines.join("\n");
        const uses = new Set(text.match(IDENT) ?? []);
        uses.delete(cur.name);
        items.push({ name: cur.name, text, uses: [...uses] });
      }
      cur = null;
    };
    for (const line of src.split("\n")) {
      const m = START.exec(line);
      if (m) {
        flush();
        cur = { name: m[1], lines: [...pending, line] };
        pending = [];
      } else if (line.startsWith("//")) {
        flush();
        pending.push(line);
      } else if (cur) {
        cur.lines.push(line);
      }
    }
    flush();
  }
  return items;
}

let library: Map<string, Item> | undefined;

function lib(): Map<string, Item> {
  library ??= new Map(
    split([FLOAT_PRELUDE, INT_PRELUDE, COMPLEX_PRELUDE, MATH_PRELUDE]).map((it) => [it.name, it]),
  );
  return library;
}

/** The shader `source` followed by the helpers it needs, in library order. */
export function withHelpers(source: string): string {
  const items = lib();
  const need = new Set<string>();
  const queue = [...new Set(source.match(IDENT) ?? [])];
  while (queue.length > 0) {
    const id = queue.pop()!;
    const it = items.get(id);
    if (it === undefined || need.has(id)) continue;
    need.add(id);
    queue.push(...it.uses);
  }
  const parts = [source];
  for (const [name, it] of items) if (need.has(name)) parts.push(it.text);
  return parts.join("\n");
}
