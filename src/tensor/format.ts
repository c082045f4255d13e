// Printing tensors like NumPy's repr: `tensor([[1., 2.],\n        [3., 4.]], dtype=f32)`. Rows
// wrap at 75 columns; tensors over 1000 elements show 3 items at each end of long axes around
// "..."; only the elements shown are read from the device. Also the HTML table for Jupyter.

import type { Element } from "../dtype/values.ts";
import { elementFormatter } from "./format_element.ts";
import { contiguousStrides, shapeSize } from "./shape.ts";
import type { Tensor } from "./tensor.ts";
import { narrow } from "./views.ts";

/** How tensors print; the defaults are NumPy's. */
export interface PrintOptions {
  /** Most digits after the decimal point (8). */
  precision: number;
  /** Tensors with more elements than this are summarised (1000). */
  threshold: number;
  /** Items shown at each end of a summarised axis (3). */
  edgeitems: number;
  /** Characters per line (75). */
  linewidth: number;
}

/** NumPy's print options. */
export const DEFAULT_PRINT_OPTIONS: Readonly<PrintOptions> = Object.freeze({
  precision: 8,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 75,
});

/** The elements that get printed: a block of the tensor with the middle of long axes cut out. */
interface Shown {
  /** Shape of the block. */
  shape: number[];
  /** Per axis: whether "..." stands between the first and last `edgeitems` items. */
  summarised: boolean[];
  /** The block's elements, row-major. */
  values: Element[];
}

function readAll(t: Tensor): Element[] {
  const nested = t.toArray();
  return Array.isArray(nested) ? (nested as unknown[]).flat(Infinity) as Element[] : [nested];
}

/** Reads the elements to print: all of them, or the corners of a summarised tensor. */
function gather(t: Tensor, threshold: number, edge: number): Shown {
  const summarise = t.size > threshold;
  const summarised = t.shape.map((n) => summarise && n > 2 * edge);
  const shape = t.shape.map((n, a) => (summarised[a] ? 2 * edge : n));
  const cut = summarised.flatMap((s, a) => (s ? [a] : []));
  if (cut.length === 0) return { shape, summarised, values: readAll(t) };
  const values = new Array<Element>(shapeSize(shape));
  const strides = contiguousStrides(shape);
  // One corner per choice of head or tail on each cut axis.
  for (let corner = 0; corner < 2 ** cut.length; corner++) {
    const origin = new Array<number>(shape.length).fill(0);
    const parts: Tensor[] = [];
    let piece = t;
    cut.forEach((axis, k) => {
      const tail = (corner >> k) & 1;
      piece = narrow(piece, axis, tail ? t.shape[axis] - edge : 0, edge);
      parts.push(piece);
      origin[axis] = tail * edge;
    });
    const elements = readAll(piece);
    for (const p of parts) p.dispose();
    const pieceShape = piece.shape;
    const index = new Array<number>(pieceShape.length).fill(0);
    for (const v of elements) {
      let flat = 0;
      for (let a = 0; a < index.length; a++) flat += (origin[a] + index[a]) * strides[a];
      values[flat] = v;
      for (let a = index.length - 1; a >= 0; a--) {
        if (++index[a] < pieceShape[a]) break;
        index[a] = 0;
      }
    }
  }
  return { shape, summarised, values };
}

/** Adds `word` to `line`, first moving to a new line when it would pass `width` (NumPy's). */
function extendLine(
  s: string,
  line: string,
  word: string,
  width: number,
  prefix: string,
): [string, string] {
  if (line.length + word.length > width && line.length > prefix.length) {
    s += line.trimEnd() + "\n";
    line = prefix;
  }
  return [s, line + word];
}

/** The items along an axis of the shown block: indices, with `null` where "..." goes. */
function axisItems(n: number, summarised: boolean): (number | null)[] {
  const items: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    if (summarised && i === n / 2) items.push(null);
    items.push(i);
  }
  return items;
}

/** NumPy's `_formatArray`: nested brackets, rows wrapped at `width`, blank lines between blocks. */
function formatBlock(
  shown: Shown,
  words: readonly string[],
  width: number,
  indent: string,
): string {
  const { shape, summarised } = shown;
  const strides = contiguousStrides(shape);
  const separator = ", ";
  const recurse = (axis: number, offset: number, hanging: string, w: number): string => {
    if (axis === shape.length) return words[offset];
    const items = axisItems(shape[axis], summarised[axis]);
    const word = (item: number | null) =>
      item === null
        ? "..."
        : recurse(axis + 1, offset + item * strides[axis], hanging + " ", w - 1);
    let s = "";
    if (axis === shape.length - 1) {
      const elemWidth = w - Math.max(separator.trimEnd().length, 1);
      let line = hanging;
      items.forEach((item, k) => {
        [s, line] = extendLine(s, line, word(item), elemWidth, hanging);
        if (k < items.length - 1) line += separator;
      });
      s += line;
    } else {
      const lineSep = separator.trimEnd() + "\n".repeat(shape.length - axis - 1);
      items.forEach((item, k) => {
        s += hanging + word(item) + (k < items.length - 1 ? lineSep : "");
      });
    }
    return "[" + s.slice(hanging.length) + "]";
  };
  return recurse(0, 0, indent, width);
}

/**
 * The bracketed elements of a tensor as NumPy's `array2string(x, separator=", ", prefix=prefix,
 * suffix=")")` writes them: `"[]"` when empty, the bare element when 0-d.
 *
 * @example
 * ```ts
 * import { tensor } from "../../mod.ts";
 * import { formatElements } from "./format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatElements(tensor([[1, 2], [3, 4]])), "[[1., 2.],\n        [3., 4.]]");
 * ```
 */
export function formatElements(
  t: Tensor,
  options: Partial<PrintOptions> = {},
  prefix = "tensor(",
): string {
  const o = { ...DEFAULT_PRINT_OPTIONS, ...options };
  if (t.size === 0) return "[]";
  const shown = gather(t, o.threshold, o.edgeitems);
  const format = elementFormatter(t.dtype, shown.values, o.precision, t.ndim === 0);
  const words = shown.values.map(format);
  return formatBlock(shown, words, o.linewidth - ")".length, " ".repeat(prefix.length + 1));
}

/**
 * NumPy-style repr of a tensor: `tensor([1.5, 2. ], dtype=f32)`. The shape is added when the
 * elements do not show it (empty or summarised tensors), the device when it is not the CPU.
 *
 * @example
 * ```ts
 * import { formatTensor, tensor, zeros } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const t = tensor([[1, 2], [3, 4]]);
 * assert.equal(formatTensor(t), "tensor([[1., 2.],\n        [3., 4.]], dtype=f32)");
 * assert.equal(formatTensor(tensor([1 / 3]), { precision: 3 }), "tensor([0.333], dtype=f32)");
 * assert.equal(formatTensor(zeros([0, 3])), "tensor([], shape=[0, 3], dtype=f32)");
 * ```
 */
export function formatTensor(t: Tensor, options: Partial<PrintOptions> = {}): string {
  const o = { ...DEFAULT_PRINT_OPTIONS, ...options };
  const prefix = "tensor(";
  const shape = `shape=[${t.shape.join(", ")}]`;
  if (t.disposed) return `${prefix}<disposed>, ${shape}, dtype=${t.dtype})`;
  const extras: string[] = [];
  if ((t.size === 0 && t.ndim !== 1) || t.size > o.threshold) extras.push(shape);
  extras.push(`dtype=${t.dtype}`);
  if (t.device !== "cpu") extras.push(`device=${t.device}`);
  const head = prefix + formatElements(t, o, prefix) + ",";
  const tail = extras.join(", ") + ")";
  const lastLine = head.length - (head.lastIndexOf("\n") + 1);
  const spacer = lastLine + tail.length + 1 > o.linewidth ? "\n" + " ".repeat(prefix.length) : " ";
  return head + spacer + tail;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

function escapeHtml(s: string): string {
  return s.replace(/[&<>]/g, (c) => HTML_ESCAPES[c]);
}

/**
 * An HTML table of a tensor: one row per index of the leading axes, one column per item of the
 * last axis, long axes summarised around "…" (`edgeitems` 5 when over 200 elements).
 */
function formatHtml(t: Tensor): string {
  const caption = `tensor shape=[${t.shape.join(", ")}] dtype=${t.dtype} device=${t.device}`;
  const open = `<table class="numr-tensor">\n<caption>${escapeHtml(caption)}</caption>\n`;
  if (t.size === 0) return `${open}</table>`;
  const shown = gather(t, 200, 5);
  const format = elementFormatter(t.dtype, shown.values, DEFAULT_PRINT_OPTIONS.precision, true);
  const cell = (i: number) => `<td>${escapeHtml(format(shown.values[i]).trim())}</td>`;
  if (t.ndim === 0) return `${open}<tr>${cell(0)}</tr>\n</table>`;
  const { shape, summarised } = shown;
  const last = shape.length - 1;
  const columns = axisItems(shape[last], summarised[last]);
  // The index in the tensor of item i of the shown block along axis a.
  const label = (a: number, i: number) =>
    summarised[a] && i >= shape[a] / 2 ? t.shape[a] - (shape[a] - i) : i;
  const rows: string[] = [];
  const walk = (axis: number, offset: number, path: number[]): void => {
    if (axis === last) {
      const cells = columns.map((c) => (c === null ? "<td>…</td>" : cell(offset + c)));
      rows.push(`<tr><th>${path.join(", ")}</th>${cells.join("")}</tr>`);
      return;
    }
    const stride = shapeSize(shape.slice(axis + 1));
    for (const item of axisItems(shape[axis], summarised[axis])) {
      if (item === null) {
        rows.push(`<tr><th>⋮</th>${columns.map(() => "<td>⋮</td>").join("")}</tr>`);
      } else walk(axis + 1, offset + item * stride, [...path, label(axis, item)]);
    }
  };
  walk(0, 0, []);
  const header = `<tr><th></th>${
    columns.map((c) => `<th>${c === null ? "…" : label(last, c)}</th>`).join("")
  }</tr>`;
  return `${open}<thead>${header}</thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`;
}

/**
 * The MIME bundle Deno's Jupyter kernel shows for a tensor: the repr as text, and an HTML table.
 *
 * @example
 * ```ts
 * import { tensor } from "../../mod.ts";
 * import { jupyterDisplay } from "./format.ts";
 * import assert from "node:assert/strict";
 * const bundle = jupyterDisplay(tensor([1, 2], { dtype: "i32" }));
 * assert.equal(bundle["text/plain"], "tensor([1, 2], dtype=i32)");
 * assert.match(bundle["text/html"], /<td>1<\/td><td>2<\/td>/);
 * ```
 */
export function jupyterDisplay(t: Tensor): Record<string, string> {
  if (t.disposed) return { "text/plain": formatTensor(t) };
  return { "text/plain": formatTensor(t), "text/html": formatHtml(t) };
}
