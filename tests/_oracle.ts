// A live NumPy oracle: one python3 process per test file evaluates NumPy expressions on numr
// tensors sent as raw bytes, and answers with tensors. See oracle/numpy_server.py.

import { fromBytes, type Tensor, toBytes } from "../mod.ts";
import type { DType } from "../mod.ts";

const SERVER = new URL("./oracle/numpy_server.py", import.meta.url).pathname;

function toBase64(bytes: Uint8Array): string {
  let s = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    s += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

interface Spec {
  dtype: DType;
  shape: number[];
  data: string;
}

/** One reply line of the server. */
interface Reply {
  id: number;
  results?: Spec[];
  text?: string;
  error?: string;
}

/** The answer to one expression: tensors, or the error NumPy raised. */
export type OracleAnswer = { results: Tensor[]; error?: undefined } | {
  results?: undefined;
  error: string;
};

/** A running NumPy process. */
export class Oracle {
  #process: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;
  #nextId = 1;

  private constructor(process: Deno.ChildProcess) {
    this.#process = process;
    this.#writer = process.stdin.getWriter();
    this.#lines = readLines(process.stdout);
  }

  /** Starts python3 with the oracle server. */
  static start(): Oracle {
    const cmd = new Deno.Command("python3", {
      args: [SERVER],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    });
    return new Oracle(cmd.spawn());
  }

  /** Sends one request and returns NumPy's raw reply. */
  async #request(expr: string, inputs: Record<string, Tensor>): Promise<Reply> {
    const id = this.#nextId++;
    const specs: Record<string, Spec> = {};
    for (const [name, t] of Object.entries(inputs)) {
      specs[name] = { dtype: t.dtype, shape: [...t.shape], data: toBase64(toBytes(t)) };
    }
    const line = JSON.stringify({ id, expr, inputs: specs }) + "\n";
    await this.#writer.write(new TextEncoder().encode(line));
    const next = await this.#lines.next();
    if (next.done) throw new Error("the NumPy oracle exited");
    const reply = JSON.parse(next.value) as Reply;
    if (reply.id !== id) throw new Error(`oracle reply ${reply.id} for request ${id}`);
    return reply;
  }

  /** Evaluates `expr` with the given tensors bound to names; returns results or NumPy's error. */
  async run(expr: string, inputs: Record<string, Tensor> = {}): Promise<OracleAnswer> {
    const reply = await this.#request(expr, inputs);
    if (reply.error !== undefined) return { error: reply.error };
    if (reply.results === undefined) throw new Error(`${expr} gave text, not arrays`);
    return {
      results: reply.results.map((r) => fromBytes(fromBase64(r.data), r.dtype, r.shape)),
    };
  }

  /**
   * Evaluates an expression whose value is a string (e.g. `np.array2string(x)`) and returns it;
   * throws when NumPy raised or the value was not a string.
   */
  async text(expr: string, inputs: Record<string, Tensor> = {}): Promise<string> {
    const reply = await this.#request(expr, inputs);
    if (reply.error !== undefined) throw new Error(`NumPy raised for ${expr}: ${reply.error}`);
    if (reply.text === undefined) throw new Error(`${expr} did not give a string`);
    return reply.text;
  }

  /** Evaluates `expr` and returns its single result; throws when NumPy raised. */
  async eval(expr: string, inputs: Record<string, Tensor> = {}): Promise<Tensor> {
    const answer = await this.run(expr, inputs);
    if (answer.error !== undefined) throw new Error(`NumPy raised for ${expr}: ${answer.error}`);
    return answer.results[0];
  }

  /** Stops the process. */
  async close(): Promise<void> {
    await this.#writer.close();
    await this.#process.status;
  }
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
    }
  }
}
