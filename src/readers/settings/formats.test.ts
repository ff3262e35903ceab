import { describe, expect, it } from 'vitest';
import { readProperties } from './properties.js';
import { readToml } from './toml.js';
import { readXml } from './xml.js';

const kv = (as: { key: string; value: string; line: number }[]) => as.map((a) => [a.key, a.value, a.line]);

describe('readProperties', () => {
  it('reads like java.util.Properties.load', () => {
    const t = '# c\n! c\nA=1\nB : two\nC three\nD=EXE\\\n    CUTE\nE\\u005fF=x\nG\\=H=y\n  I = \\u0045\n';
    expect(kv(readProperties(t))).toEqual([
      ['A', '1', 3],
      ['B', 'two', 4],
      ['C', 'three', 5],
      ['D', 'EXECUTE', 6],
      ['E_F', 'x', 8],
      ['G=H', 'y', 9],
      ['I', 'E', 10],
    ]);
  });
});

describe('readToml', () => {
  it('decodes TOML strings and keys', () => {
    const t = '# A = "no"\n[env]\nA = """\nEXE\\\n   CUTE"""\n"B\\u005FC" = \'\'\'lit\'\'\'\nd.E = "x" # c\nF = { G = "in", H = 1 }\nL = ["A = 1", "TM=live"]\nM = true\n';
    expect(kv(readToml(t))).toEqual([
      ['A', 'EXECUTE', 3],
      ['B_C', 'lit', 6],
      ['E', 'x', 7],
      ['G', 'in', 8],
      ['H', '1', 8],
      ['TM', 'live', 9],
      ['M', 'true', 10],
    ]);
  });
});

describe('readXml', () => {
  it('reads elements, key/value attributes and plists; comments never match', () => {
    const t = '<c>\n<!-- <A>no</A> -->\n<A>EX&#69;CUTE</A>\n<add key="B" value="v"/>\n<x C="w"/>\n<key>D</key>\n<string>p</string>\n<E><![CDATA[z]]></E>\n</c>\n';
    const got = kv(readXml(t)).filter(([k]) => ['A', 'B', 'C', 'D', 'E'].includes(k as string));
    expect(got).toEqual([
      ['A', 'EXECUTE', 3],
      ['B', 'v', 4],
      ['C', 'w', 5],
      ['D', 'p', 7],
      ['E', 'z', 8],
    ]);
  });
  it('refuses what is not XML (the line reader takes over)', () => {
    expect(() => readXml('A=1\n')).toThrow();
  });
});
