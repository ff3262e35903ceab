// Three house rules held by a test over every non-test module of src/ (read as TypeScript, not
// grepped): what a user reads when the gate cannot decide comes from a catalogue (src/messages.ts,
// src/install/messages.ts, a rule folder's messages.ts); a finding's message is declared in its
// rule folder's messages.ts and reported by messageId, never made where it is reported; and git
// runs only through src/git/exec.ts.
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

/** `message` of a zod issue (`.refine(f, { message })`, `ctx.addIssue({ message })`): configuration errors, not findings. */
function isZodIssue(literal: ts.ObjectLiteralExpression): boolean {
  const call = literal.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(literal)) return false;
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) && /^(refine|superRefine|addIssue)$/.test(callee.name.text);
}

const isReportCall = (node: ts.CallExpression) => {
  const callee = node.expression;
  return (ts.isIdentifier(callee) && callee.text === 'report') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'report');
};

function scan(file: string, source: string): { messages: Hit[]; git: Hit[]; findings: Hit[] } {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const consts = new Map<string, ts.Expression>();
  const messages: Hit[] = [];
  const git: Hit[] = [];
  const findings: Hit[] = [];
  const inRules = file.startsWith('rules/');
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
    // A finding's text made in rule code: a `message` written out in an object literal (a
    // FindingInput, or a helper's problem that becomes one), or any `message` handed to report.
    if (inRules && ts.isObjectLiteralExpression(node) && !isZodIssue(node)) {
      const toReport = ts.isCallExpression(node.parent) && isReportCall(node.parent);
      for (const p of node.properties) {
        if (!p.name || !ts.isIdentifier(p.name) || p.name.text !== 'message') continue;
        const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : null;
        if (toReport || (value && madeHere(value, consts))) findings.push(hit(p));
      }
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
  return { messages, git, findings };
}

const scanned = modules(SRC).map((p) => {
  const file = relative(SRC, p);
  return { file, ...scan(file, readFileSync(p, 'utf8')) };
});

// Helper modules whose findings' wording is still made in code, reported through a
// pass-through message (`trading-mode` `ciIssue`, `replicas` `tooMany`): the loaders and lexers
// branches edit them today (issue 11). This list only shrinks.
const PENDING: string[] = [];

describe('message catalogue and git calls', () => {
  it('no GateError or ConfigError is given a message or hint written where it is thrown', () => {
    const inline = scanned.filter((f) => !isCatalogue(f.file)).flatMap((f) => f.messages);
    expect(inline.map((h) => `${h.file}:${h.line}: ${h.text}`)).toEqual([]);
  });

  it("no finding message is made in rule code: rules report a messageId declared in their folder's messages.ts", () => {
    const inline = scanned.filter((f) => !isCatalogue(f.file) && !PENDING.some((p) => f.file.startsWith(p))).flatMap((f) => f.findings);
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

  it('the finding check sees messages made in rule code, and nothing else', () => {
    const sample = `const TEXT = \`\${p} is bad\`;
      report({ message: 'inline', path });
      report({ message: msg.bad(p), path });
      report({ messageId: 'bad', data: { p }, path });
      problems.push({ line, message: \`\${p} is stale\` });
      problems.push({ line, message: TEXT });
      const message = 'a' + b;
      problems.push({ line, message });
      z.string().refine((v) => v !== '', { message: 'must not be empty' });
      problems.push({ line, message: spec.text });`;
    expect(scan('rules/x/rule.ts', sample).findings.map((h) => h.line)).toEqual([2, 3, 5, 6, 8]);
    expect(scan('engine/x.ts', sample).findings).toEqual([]);
  });
});
