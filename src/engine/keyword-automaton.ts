// One Aho–Corasick automaton for a set of keywords: which of them occur in a text, in one pass
// over its code units, whatever their number. The regular-expression alternation it replaces
// cost time in proportion to the number of keywords at every position (about 200 keywords with
// the agenttrader-v2 preset: half the CPU of a whole-history push went into that one pass).
//
// The automaton is a dense table over character classes: every code unit a keyword uses is its
// own class (with `foldAscii`, A-Z share the class of a-z), every other code unit is class 0,
// which no keyword contains. A state's transitions are one row of the table, failure links
// already followed (a DFA, filled in lazily), so the scan is one table read per code unit.

const TRANSPARENT = /[\t\n\r ]/g;

export class KeywordAutomaton {
  /** Class of each UTF-16 code unit (0: in no keyword). */
  private readonly classOf: Uint16Array;
  private readonly width: number;
  /** state * width + class -> next state. */
  private readonly next: Int32Array;
  /** Keywords ending at each state (failure chain included); null: none. */
  private readonly outputs: (number[] | null)[];

  /**
   * `keywords` (duplicates are dropped: indexes refer to `this.keywords`); with `foldAscii` ASCII letters
   * match either case (the keywords must then be lower-case).
   */
  readonly keywords: readonly string[];

  constructor(keywords: readonly string[], foldAscii: boolean) {
    this.keywords = [...new Set(keywords)];
    keywords = this.keywords;
    // Tab, line breaks and spaces are transparent: a state never moves on them (a self-loop in
    // every row), and they are deleted from the keywords too, so the automaton finds each
    // keyword with them deleted in the text with them deleted. Every occurrence in the text is
    // still found; so are `alpa<TAB>ca` and a keyword split across the lines of a YAML block
    // scalar, which the WHATWG URL parser (it deletes tabs and newlines anywhere in a URL) and
    // YAML (it strips indentation) read whole. A few more blobs reach the rules, which read
    // them exactly.
    const trieKeys = keywords.map((k) => k.replace(TRANSPARENT, ''));
    const classOf = new Uint16Array(65536);
    let classes = 1;
    for (const k of trieKeys) {
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        if (classOf[c] === 0) classOf[c] = classes++;
      }
    }
    if (foldAscii) for (let c = 65; c <= 90; c++) classOf[c] = classOf[c + 32]!;
    const transparent = classes++;
    for (const c of [0x09, 0x0a, 0x0d, 0x20]) classOf[c] = transparent;
    this.classOf = classOf;
    const width = classes;
    this.width = width;

    // The trie, as lists of (class, child) per state; a keyword's states are numbered in order.
    const childCls: number[][] = [[]];
    const childState: number[][] = [[]];
    const out: number[][] = [[]];
    trieKeys.forEach((k, idx) => {
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const cls = classOf[k.charCodeAt(i)]!;
        const at = childCls[s]!.indexOf(cls);
        let t: number;
        if (at !== -1) t = childState[s]![at]!;
        else {
          t = out.length;
          childCls.push([]);
          childState.push([]);
          out.push([]);
          childCls[s]!.push(cls);
          childState[s]!.push(t);
        }
        s = t;
      }
      out[s]!.push(idx);
    });

    // Failure links, breadth first. The transition table is a DFA filled lazily: a state's
    // transition on a class is computed (from the trie, else from its failure state's) the first
    // time a scan or a failure link needs it, and kept. Building it whole cost time in proportion
    // to states × classes at every start of the CLI (≈ 13 ms for the agenttrader-v2 keywords, of
    // a pre-commit's ≈ 180 ms); a scan visits few of the states.
    const states = out.length;
    const next = new Int32Array(states * width).fill(-1);
    for (let s = 0; s < states; s++) {
      const cls = childCls[s]!;
      const st = childState[s]!;
      for (let j = 0; j < cls.length; j++) next[s * width + cls[j]!] = st[j]!;
      next[s * width + transparent] = s;
    }
    for (let cls = 0; cls < width; cls++) if (next[cls] === -1) next[cls] = 0;
    this.next = next;
    this.fail = new Int32Array(states);
    const queue: number[] = [...childState[0]!];
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const f = this.fail[s]!;
      if (out[f]!.length > 0) out[s]!.push(...out[f]!);
      const cls = childCls[s]!;
      const st = childState[s]!;
      for (let j = 0; j < cls.length; j++) {
        const t = st[j]!;
        this.fail[t] = s === 0 ? 0 : this.step(f, cls[j]!);
        queue.push(t);
      }
    }
    this.outputs = out.map((o) => (o.length > 0 ? o : null));
  }

  /** Failure link of each state (the longest proper suffix that is a trie state). */
  private readonly fail: Int32Array;

  /** The transition from `s` on `cls`, computed and kept on first use. */
  private step(s: number, cls: number): number {
    const at = s * this.width + cls;
    let t = this.next[at]!;
    if (t === -1) {
      t = this.step(this.fail[s]!, cls);
      this.next[at] = t;
    }
    return t;
  }

  /** Indexes (into `keywords`) of the keywords that occur in `text`. */
  scan(text: string): Set<number> {
    const found = new Set<number>();
    const total = this.keywords.length;
    const { classOf, next, outputs, width } = this;
    // An empty keyword occurs in every text.
    for (const k of outputs[0] ?? []) found.add(k);
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const cls = classOf[text.charCodeAt(i)]!;
      const t = next[s * width + cls]!;
      s = t === -1 ? this.step(s, cls) : t;
      const o = outputs[s];
      if (o !== null && o !== undefined) {
        for (const k of o) found.add(k);
        if (found.size >= total) break;
      }
    }
    return found;
  }
}
