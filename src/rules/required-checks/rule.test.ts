// required-checks over the real engine: a real repository, receipts made by the real runner and
// stored as real notes (unsigned here; signatures are covered in src/checks/evidence.test.ts and
// the e2e test through the server).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { check } from '../../doors/check.js';
import type { SourceRequest } from '../../sources/index.js';
import { createGitRunner } from '../../git/exec.js';
import { Repo, sandbox, type Sandbox } from '../../../test/helpers/repo.js';
import { addReceiptLine } from '../../checks/notes.js';
import { encodeReceipt } from '../../checks/receipt.js';
import { runCheck } from '../../checks/run.js';

let sb: Sandbox;
let repo: Repo;
const AGENT = { GIT_AUTHOR_EMAIL: 'bot@agents.example', GIT_COMMITTER_EMAIL: 'bot@agents.example' };
const UNIT = { command: ['sh', '-c', 'test -f ok'], env: {}, timeout: '10m' };
const config = (extra: Record<string, unknown> = {}) => ({
  extends: [],
  policy_id: 'p',
  agents: { identities: ['*@agents.example'] },
  checks: { unit: { command: UNIT.command } },
  required_checks: ['unit'],
  ...extra,
});

beforeEach(() => {
  sb = sandbox();
  repo = Repo.init(sb);
  repo.write('safety-gate.config.yaml', stringify(config()));
  repo.commitAll('seed');
});
afterEach(() => sb.cleanup());

async function findings(request: SourceRequest, env: Record<string, string> = AGENT) {
  const { report } = await check({ cwd: repo.path, env: { ...sb.env, ...env }, door: request.kind === 'staged' ? 'pre-commit' : 'scan', request });
  return report.findings.filter((f) => f.rule.startsWith('required-checks'));
}

/** What `safety-gate check run unit` records, for a tree. */
async function receipt(tree: string): Promise<number> {
  const { receipt: r } = await runCheck({ name: 'unit', def: UNIT, tree, repoId: 'p', repoCwd: repo.path, env: sb.env });
  const git = createGitRunner(repo.path, sb.env);
  await addReceiptLine({ run: async (args, input) => git.run(args, { input, okCodes: [0, 1, 128] }) }, tree, encodeReceipt(r, null));
  return r.exit_code;
}

describe('required-checks', () => {
  it('refuses the staged tree of an agent without a passing receipt, and passes it with one', async () => {
    repo.write('ok', '');
    repo.git('add', 'ok');
    const tree = repo.git('write-tree').trim();
    const before = await findings({ kind: 'staged' });
    expect(before.map((f) => [f.rule, f.severity, f.message])).toEqual([
      ['required-checks/skipped-check', 'block', `required check unit has no passing receipt for the staged tree (tree ${tree.slice(0, 12)}): no receipt`],
    ]);
    expect(before[0]!.remediation).toContain('safety-gate check run unit');
    expect(await receipt(tree)).toBe(0);
    expect(await findings({ kind: 'staged' })).toEqual([]);
  });

  it('a failed run is recorded and refused', async () => {
    repo.write('other', '');
    repo.git('add', 'other');
    expect(await receipt(repo.git('write-tree').trim())).toBe(1);
    const [f] = await findings({ kind: 'staged' });
    expect(f!.message).toMatch(/: the check failed \(exit 1 at /);
  });

  it('judges people only with applies_to: everyone; a task envelope makes a run an agent run', async () => {
    repo.write('x', '');
    repo.git('add', 'x');
    expect(await findings({ kind: 'staged' }, {})).toEqual([]);
    const task = join(sb.dir, 'task.json');
    writeFileSync(task, JSON.stringify({ run_id: '3b9e7c1e-5d0a-4f7b-9d3c-2a1f0e9d8c7b', task_scope: { kind: 'file', target: '**' } }));
    expect((await findings({ kind: 'staged' }, { SAFETY_GATE_TASK: task })).length).toBe(1);
    repo.write('safety-gate.config.yaml', stringify(config({ rules: { 'required-checks': { options: { applies_to: 'everyone' } } } })));
    repo.git('add', '-A');
    expect((await findings({ kind: 'staged' }, {})).length).toBe(1);
  });

  it('a required check the policy never defines (no checks: section) fails closed', async () => {
    const { checks: _c, ...rest } = config();
    repo.write('safety-gate.config.yaml', stringify(rest));
    repo.git('add', '-A');
    const [f] = await findings({ kind: 'staged' });
    expect(f!.message).toContain('the policy does not define check unit');
  });

  it('judges the tips of a scanned range, not every commit in it', async () => {
    const base = repo.head();
    const agent = new Repo(repo.path, { ...repo.env, ...AGENT });
    agent.write('a', '1');
    const mid = agent.commitAll('one');
    agent.write('a', '2');
    const tip = agent.commitAll('two');
    const got = await findings({ kind: 'range', range: `${base}..${tip}` });
    expect(got.map((f) => f.commit)).toEqual([tip]);
    expect(got[0]!.message).toContain(`for commit ${tip.slice(0, 12)}`);
    expect(got.map((f) => f.commit)).not.toContain(mid);
    // A receipt for the tip's tree (the commit made later from the same tree would match too).
    agent.write('ok', '');
    const fixed = agent.commitAll('three');
    expect(await receipt(repo.git('rev-parse', `${fixed}^{tree}`).trim())).toBe(0);
    expect(await findings({ kind: 'range', range: `${base}..${fixed}` })).toEqual([]);
  });
});
