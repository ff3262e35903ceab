// Two house rules held by a test over every non-test module of src/ (read as TypeScript, not
// grepped): what a user reads when the gate cannot decide comes from a catalogue (src/messages.ts,
// src/install/messages.ts, a rule folder's messages.ts), and git runs only through src/git/exec.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === '__test__' ? [] : modules(p);
    return e.name.endsWith('.ts') && !/\.test(-helper)?\.ts$|\.test-helper\.ts$/.test(e.name) ? [p] : [];
  });
}

const isCatalogue = (file: string) => /(^|\/)messages\.ts$/.test(file) || file === 'cli/usage.ts';

/** A string made on the spot: a literal, a template, a concatenation or a choice between such. */
function madeHere(node: ts.Expression, consts: ReadonlyMap<string, ts.Expression>): boolean {
  let n: ts.Expression = node;
  while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n)) n = n.expression;
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text !== ''; // '' says nothing
  if (ts.isTemplateExpression(n)) return true;
  if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken) return madeHere(n.left, consts) || madeHere(n.right, consts);
  if (ts.isConditionalExpression(n)) return madeHere(n.whenTrue, consts) || madeHere(n.whenFalse, consts);
  if (ts.isIdentifier(n)) {
    const init = consts.get(n.text);
    return init !== undefined && madeHere(init, consts);
  }
  return false;
}

interface Hit {
  file: string;
  line: number;
  text: string;
}

function scan(file: string, source: string): { messages: Hit[]; git: Hit[] } {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const consts = new Map<string, ts.Expression>();
  const messages: Hit[] = [];
  const git: Hit[] = [];
  const hit = (node: ts.Node): Hit => ({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText().replace(/\s+/g, ' ').slice(0, 120) });
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.arguments) {
      // GateError(code, message, hint); ConfigError(message, file, line, column, keyPath, hint).
      const texts = node.expression.text === 'GateError' ? [1, 2] : node.expression.text === 'ConfigError' ? [0, 5] : [];
      const args = node.arguments;
      if (texts.some((i) => args[i] !== undefined && madeHere(args[i], consts))) messages.push(hit(node));
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && /^(spawn|spawnSync|execFile|execFileSync|exec|execSync|fork)$/.test(node.expression.text)) {
      const first = node.arguments[0];
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) && /^git(\s|$)/.test(first.text)) git.push(hit(node));
    }
    ts.forEachChild(node, visit);
  };
  // Constants first (a hint may be declared below its use), then the calls.
  const collect = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) consts.set(node.name.text, node.initializer);
    ts.forEachChild(node, collect);
  };
  collect(sf);
  visit(sf);
  return { messages, git };
}

const scanned = modules(SRC).map((p) => {
  const file = relative(SRC, p);
  return { file, ...scan(file, readFileSync(p, 'utf8')) };
});

describe('message catalogue and git calls', () => {
  it('no GateError or ConfigError is given a message or hint written where it is thrown', () => {
    const inline = scanned.filter((f) => !isCatalogue(f.file)).flatMap((f) => f.messages);
    expect(inline.map((h) => `${h.file}:${h.line}: ${h.text}`)).toEqual([]);
  });

  it('only src/git/ starts git', () => {
    const outside = scanned.filter((f) => !f.file.startsWith('git/')).flatMap((f) => f.git);
    expect(outside.map((h) => `${h.file}:${h.line}: ${h.text}`)).toEqual([]);
  });

  it('the checks see what they are meant to see', () => {
    const sample = `const HINT = 'do this';
      const a = new GateError('io', 'inline', 'hint');
      const b = new GateError('io', \`x \${y}\`);
      const c = new GateError('io', msg.ok, HINT);
      const d = new ConfigError(flag ? 'a' : msg.b);
      const e = new GateError('io', msg.ok(x), msg.okHint);
      spawn('git', ['status']);
      spawnSync('node', ['x']);`;
    const { messages, git } = scan('sample.ts', sample);
    expect(messages.map((h) => h.line)).toEqual([2, 3, 4, 5]);
    expect(git.map((h) => h.line)).toEqual([7]);
  });
});
