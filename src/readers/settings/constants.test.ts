import { describe, expect, it } from 'vitest';
import { tokenizeJs, tokenizePython } from './code-tokens.js';
import { foldConstants } from './constants.js';

/** The single string a whole expression folds to, or null when it is not one constant. */
const py = (src: string) => {
  const T = foldConstants(tokenizePython(src), 'python', tokenizePython);
  return T.length === 1 && T[0]!.kind === 'string' && !T[0]!.dynamic ? T[0]!.value : null;
};
const js = (src: string) => {
  const T = foldConstants(tokenizeJs(src), 'js', tokenizeJs);
  return T.length === 1 && T[0]!.kind === 'string' && !T[0]!.dynamic ? T[0]!.value : null;
};

describe('constant evaluator', () => {
  it('computes Python expressions of literals as CPython does', () => {
    expect(py('"_".join(["AGENT", "MODE"])')).toBe('AGENT_MODE');
    expect(py('"-".join(("A", "B"))')).toBe('A-B');
    expect(py('bytes.fromhex("45584543555445").decode()')).toBe('EXECUTE');
    expect(py('base64.b64decode("RVhFQ1VURQ==").decode("utf-8")')).toBe('EXECUTE');
    expect(py('base64.b32decode("IVMEKQ2VKRCQ====").decode()')).toBe('EXECUTE');
    expect(py('bytes([69, 0x58]).decode()')).toBe('EX');
    expect(py('chr(69) + "X" * 2')).toBe('EXX');
    expect(py('"ETUCEXE"[::-1]')).toBe('EXECUTE');
    expect(py('"EXECUTE"[1:-1]')).toBe('XECUT');
    expect(py('"abc"[-1]')).toBe('c');
    expect(py('"%s_%s" % ("AGENT", "MODE")')).toBe('AGENT_MODE');
    expect(py('"{}_{0}".format("A")')).toBe('A_A');
    expect(py("f\"{'AGENT'}_{'mode'.upper()}\"")).toBe('AGENT_MODE');
    expect(py('codecs.decode("RKRPHGR", "rot_13")')).toBe('EXECUTE');
    expect(py('binascii.unhexlify(b"4f4b").decode()')).toBe('OK');
    expect(py('"  x ".strip() + "y".upper()')).toBe('xY');
    expect(py('str(5) + "a".replace("a", "b")')).toBe('5b');
  });

  it('leaves anything with a run-time operand alone (Python)', () => {
    expect(py('"_".join([prefix, "MODE"])')).toBeNull();
    expect(py('bytes.fromhex(h).decode()')).toBeNull();
    expect(py('"%s" % mode')).toBeNull();
    expect(py('f"{mode}X"')).toBeNull();
    expect(py('"%s %s" % ("a",)')).toBeNull(); // wrong arity is a TypeError, not a value
    expect(py('"a" + 1')).toBeNull();
    expect(py('os.getenv("X").upper()')).toBeNull();
    // an operand bound to what precedes it is not folded on its own: x * "a" + "b" is (x*"a")+"b"
    const T = foldConstants(tokenizePython('y = x * "a" + "b"'), 'python', tokenizePython);
    expect(T.filter((t) => t.kind === 'string').map((t) => t.value)).toEqual(['a', 'b']);
  });

  it('computes JS expressions of literals', () => {
    expect(js('["AGENT", "MODE"].join("_")')).toBe('AGENT_MODE');
    expect(js('String.fromCharCode(69, 88)')).toBe('EX');
    expect(js('atob("RVhFQ1VURQ==")')).toBe('EXECUTE');
    expect(js('Buffer.from("45584543555445", "hex").toString()')).toBe('EXECUTE');
    expect(js('Buffer.from("RVhFQ1VURQ==", "base64").toString("utf8")')).toBe('EXECUTE');
    expect(js('"ETUCEXE".split("").reverse().join("")')).toBe('EXECUTE');
    expect(js('"AGENT_".concat("MODE")')).toBe('AGENT_MODE');
    expect(js('"a" + 1')).toBe('a1');
    expect(js('"ab".repeat(2).toUpperCase()')).toBe('ABAB');
    expect(js('[a, "b"].join("")')).toBeNull();
    expect(js('"x" + y')).toBeNull();
  });
});
