// A blob as rules see it: bytes read once through the run's single `git cat-file` process,
// with text, line positions and parsed forms computed on first use and shared by all rules.

export class Blob {
  private _text: string | undefined;
  private _lower: string | undefined;
  private _lineStarts: number[] | undefined;
  private readonly parsed = new Map<string, unknown>();

  constructor(
    readonly oid: string,
    readonly bytes: Buffer,
  ) {}

  get size(): number {
    return this.bytes.length;
  }

  /** Same heuristic as git: a NUL byte in the first 8000 bytes. */
  get isBinary(): boolean {
    const n = Math.min(this.bytes.length, 8000);
    return this.bytes.subarray(0, n).includes(0);
  }

  /** UTF-8 text (invalid sequences become U+FFFD; offsets are in UTF-16 code units of this string). */
  get text(): string {
    if (this._text === undefined) this._text = this.bytes.toString('utf8');
    return this._text;
  }

  /** Lower-cased text, for case-insensitive literal prefilters. Same length as `text` for ASCII keywords. */
  get lower(): string {
    if (this._lower === undefined) this._lower = this.text.toLowerCase();
    return this._lower;
  }

  /** 1-based line and column of a UTF-16 offset into `text`. */
  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /** Offsets where each line starts (line 1 at index 0). Lines end at \n; a \r before it stays in the line. */
  lineStarts(): number[] {
    if (this._lineStarts === undefined) {
      const t = this.text;
      const starts = [0];
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this._lineStarts = starts;
    }
    return this._lineStarts;
  }

  /** Text of 1-based line `n` without its line terminator (\n or \r\n). */
  line(n: number): string {
    const starts = this.lineStarts();
    const start = starts[n - 1];
    if (start === undefined) return '';
    const next = starts[n];
    let end = next === undefined ? this.text.length : next - 1;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end -= 1;
    return this.text.slice(start, end);
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  /**
   * Memoised parse: every rule asking for the same `kind` of the same blob shares one result,
   * so a file is parsed at most once per run whatever the number of rules.
   */
  parse<T>(kind: string, parser: (blob: Blob) => T): T {
    if (this.parsed.has(kind)) return this.parsed.get(kind) as T;
    const value = parser(this);
    this.parsed.set(kind, value);
    return value;
  }

  /**
   * Frees every parsed form: tree-sitter trees live in WebAssembly memory, which the garbage
   * collector never sees, so they are `delete()`d here. A later parse request parses again. The
   * engine calls this when every path holding the blob is done.
   */
  dispose(): void {
    for (const v of this.parsed.values()) {
      if (v !== null && typeof v === 'object' && !(v instanceof Promise) && typeof (v as { delete?: unknown }).delete === 'function') (v as { delete(): void }).delete();
    }
    this.parsed.clear();
  }

  /** Async variant for parsers that must be loaded on demand (tree-sitter, TypeScript). */
  async parseAsync<T>(kind: string, parser: (blob: Blob) => Promise<T>): Promise<T> {
    if (this.parsed.has(kind)) return (await this.parsed.get(kind)) as T;
    const pending = parser(this);
    this.parsed.set(kind, pending);
    const value = await pending;
    this.parsed.set(kind, value);
    return value;
  }
}
