// Data formats decoded as their consumers decode them (issue 12, branch defaults). Expected
// values were checked against the consumers on this machine: json5@2.2.3 (node, by hand, the
// same samples), python3 ElementTree for the XML entities, PyYAML for !!binary, terraform
// console for the HCL functions and escapes (see the report).
import { describe, expect, it } from 'vitest';
import { outcomes } from './expr.js';
import { readHcl } from './hcl.js';
import { parseJsonTree } from './json.js';
import { readTree } from './tree.js';
import { readXml } from './xml.js';
import type { YamlNode } from '../yaml.js';
import type { Assignment } from './types.js';
import { normalizedKeep } from './values.js';

const toJs = (n: YamlNode | null): unknown =>
  n === null ? null : n.kind === 'scalar' ? n.value : n.kind === 'seq' ? n.items.map(toJs) : Object.fromEntries(n.pairs.map((p) => [p.key, toJs(p.value)]));
const reads = (as: Assignment[], key = 'AGENT_MODE') => as.filter((a) => a.key === key).map((a) => (a.expr ? outcomes(a.expr).values.join('|') : a.value));

describe('JSON5 (as json5@2.2.3 parses the same text)', () => {
  it('decodes escapes, identifiers and numbers', () => {
    expect(toJs(parseJsonTree("{AGENT_MODE: '\\x45XECUTE'}", true))).toEqual({ AGENT_MODE: 'EXECUTE' });
    expect(toJs(parseJsonTree("{a: {mode: 'EXE\\\r\nCUTE',},}", true))).toEqual({ a: { mode: 'EXECUTE' } });
    expect(toJs(parseJsonTree('{"k": "a\\u0041\\x41\\0\\v\\\'"}', true))).toEqual({ k: "aAA\0\v'" });
    expect(toJs(parseJsonTree("{\\u0041GENT_MODE: 'x', $a_b: 1, _c: .5, d: +1, e: 0x1F, f: -Infinity, g: 5., h: [1, 2,],}", true))).toEqual({
      AGENT_MODE: 'x',
      $a_b: 1,
      _c: 0.5,
      d: 1,
      e: 31,
      f: -Infinity,
      g: 5,
      h: [1, 2],
    });
    // plain JSON still refuses JSON5
    expect(() => parseJsonTree("{a: 'b'}")).toThrow();
  });
});

describe('XML entities (as ElementTree expands them)', () => {
  it('expands internal entities and decodes references in key attributes', () => {
    const t =
      '<?xml version="1.0"?>\n<!DOCTYPE s [\n<!ENTITY e "EXE">\n<!ENTITY m "&e;&#67;UTE">\n]>\n<s><AGENT_MODE>&m;</AGENT_MODE><add key="AGENT&#95;MODE" value="&e;CUTE"/></s>\n';
    expect(
      readXml(t)
        .filter((a) => a.key === 'AGENT_MODE')
        .map((a) => [a.value, a.line]),
    ).toEqual([
      ['EXECUTE', 6],
      ['EXECUTE', 6],
    ]);
    // an entity bomb stays unexpanded
    const bomb =
      '<!DOCTYPE s [<!ENTITY a "EXECUTE"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>\n<s><X>&e;</X></s>';
    expect(readXml(bomb).find((a) => a.key === 'X')!.value.length).toBeLessThan(20_000);
  });
});

describe('YAML and JSON trees', () => {
  it('reads !!binary as the decoded text and JSON inside string values', async () => {
    const { loadYamlModule, parseYamlText } = await import('../yaml.js');
    const Y = await loadYamlModule();
    const t = 'AGENT_MODE: !!binary RVhFQ1VURQ==\nenv:\n- name: AGENT\n  value: \'{"mode": "EXECUTE"}\'\n';
    const as = readTree(
      parseYamlText(t, Y).docs.map((d) => d.contents),
      t,
      'yaml',
      normalizedKeep(['AGENT_MODE']),
    );
    expect(reads(as)).toEqual(['EXECUTE']);
    expect(reads(as, 'AGENT.mode')).toEqual(['EXECUTE']);
  });
});

describe('Terraform values (as terraform console computes them)', () => {
  it('evaluates variables, locals, coalesce, lookup, try, conditionals and escapes', () => {
    const t = [
      'variable "v" { default = "EXECUTE" }',
      'locals {',
      '  l = "EXE${"CUTE"}"',
      '  m = local.l',
      '}',
      'a = { AGENT_MODE = var.v }',
      'b = { AGENT_MODE = local.m }',
      'c = { AGENT_MODE = coalesce(var.none, "", "EXECUTE") }',
      'd = { AGENT_MODE = lookup({ mode = "EXECUTE" }, "mode", "OBSERVE") }',
      'e = { AGENT_MODE = try(local.cfg.mode, "EXECUTE") }',
      'f = { AGENT_MODE = var.flag ? "OBSERVE" : "EXECUTE" }',
      'g = { "AGENT\\u005FMODE" = "\\u0045XECUTE" }',
      'h = { AGENT_MODE = upper(join("", ["exe", "cute"])) }',
      'i = { AGENT_MODE = "${var.v}-x" }',
      'j = { AGENT_MODE = var.none }',
    ].join('\n');
    expect(reads(readHcl(t))).toEqual(['EXECUTE', 'EXECUTE', 'EXECUTE', 'EXECUTE', '|EXECUTE', 'OBSERVE|EXECUTE', 'EXECUTE', 'execute', 'EXECUTE-x', '']);
  });
});
