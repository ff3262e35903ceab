// Seeded random input for tests that hold an implementation against a reference: the same seed
// gives the same sequence on every run, so a failure can be replayed.

/** A linear congruential generator: numbers in [0, 1], the same sequence for the same seed. */
export function seeded(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

/** Words of n characters (or pieces) drawn from `alphabet` with `rnd`. */
export function wordsOf(alphabet: string | readonly string[], rnd: () => number): (n: number) => string {
  return (n) => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
}
