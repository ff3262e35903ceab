import { describe, expect, it } from 'vitest';
import { Blob } from '../changeset/blob.js';
import { getIn, loadYamlDocuments, mapGet, mapPair, scalarText, walkYaml, type YamlNode } from './yaml.js';

const blob = (text: string) => new Blob('0'.repeat(40), Buffer.from(text));

describe('loadYamlDocuments', () => {
  it('parses every document with positions', async () => {
    const r = await loadYamlDocuments(blob('a: 1\n---\nb:\n  c: "x "\n'));
    expect(r.errors).toEqual([]);
    expect(r.docs).toHaveLength(2);
    const c = getIn(r.docs[1]!.contents, ['b', 'c']);
    expect(scalarText(c)).toBe('x ');
    expect(c!.pos).toMatchObject({ line: 4, column: 6 });
  });

  it.each([
    ['a lone CR', '\r'],
    ['NEL', '\u0085'],
    ['LS', '\u2028'],
    ['PS', '\u2029'],
  ])('breaks lines at %s as YAML 1.1 readers (PyYAML, go-yaml) do: a comment ends there', async (_name, br) => {
    const r = await loadYamlDocuments(blob(`# note${br}AGENT_MODE: EXECUTE\n`));
    expect(r.errors).toEqual([]);
    const v = getIn(r.docs[0]!.contents, ['AGENT_MODE']);
    expect(scalarText(v)).toBe('EXECUTE');
    expect(v!.pos).toMatchObject({ line: 2 });
  });

  it('resolves aliases and merge keys; explicit keys win', async () => {
    const r = await loadYamlDocuments(blob('base: &b {X: one, Y: two}\nsvc:\n  <<: *b\n  Y: mine\n  Z: *b\n'));
    const svc = mapGet(r.docs[0]!.contents, 'svc');
    expect(scalarText(mapGet(svc, 'X'))).toBe('one');
    expect(mapPair(svc, 'X')!.merged).toBe(true);
    expect(mapPair(svc, 'X')!.keyPos.line).toBe(1);
    expect(scalarText(mapGet(svc, 'Y'))).toBe('mine');
    expect(scalarText(getIn(svc, ['Z', 'Y']))).toBe('two');
    expect(mapPair(svc, 'Z')!.valuePos!.line).toBe(5);
  });

  it('supports a sequence of merge sources', async () => {
    const r = await loadYamlDocuments(blob('a: &a {K: 1}\nb: &b {K: 2, L: 3}\nc:\n  <<: [*a, *b]\n'));
    const c = mapGet(r.docs[0]!.contents, 'c');
    expect(scalarText(mapGet(c, 'K'))).toBe('1');
    expect(scalarText(mapGet(c, 'L'))).toBe('3');
  });

  it('reports errors with positions and is memoised per blob', async () => {
    const b = blob('a: {{ .Values.x }}\n{{- if x }}\n');
    const r = await loadYamlDocuments(b);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]!.line).toBeGreaterThan(0);
    expect(await loadYamlDocuments(b)).toBe(r);
  });

  it('survives self-referencing anchors and alias bombs', async () => {
    const r = await loadYamlDocuments(blob('a: &a [*a, 1]\n'));
    let n = 0;
    walkYaml(r.docs[0]!.contents, () => {
      n++;
    });
    expect(n).toBeLessThan(10);
    const levels = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = await loadYamlDocuments(blob(levels.join('\n') + '\n'));
    let visits = 0;
    walkYaml(
      bomb.docs[0]!.contents,
      () => {
        visits++;
      },
      1000,
    );
    expect(visits).toBeLessThanOrEqual(1000);
  });

  it('walks with paths', async () => {
    const r = await loadYamlDocuments(blob('a:\n  - b: c\n'));
    const paths: string[] = [];
    walkYaml(r.docs[0]!.contents, (n: YamlNode, ctx) => {
      if (n.kind === 'scalar') paths.push(ctx.path.join('.'));
    });
    expect(paths).toEqual(['a.0.b']);
  });

  it('handles empty streams', async () => {
    const r = await loadYamlDocuments(blob(''));
    expect(r.errors).toEqual([]);
  });
});
