import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { python3Has } from '../../../test/helpers/tools.js';
import { readIni } from './ini.js';

const SAMPLES = [
  '[agent]\nAgent_Mode = EXECUTE\n',
  '[agent]\nAGENT_MODE:EXECUTE\n',
  '[DEFAULT]\nm = EXECUTE\n[agent]\nagent_mode = %(m)s\n',
  '[agent]\nm = EXE\nagent_mode = %(m)sCUTE and 100%%\n',
  '[agent]\nagent_mode = first\n  second\n\n  third\n\nother = x\n',
  '[agent]\n; agent_mode = EXECUTE\n# x = y\nagent_mode = OBSERVE # inline is kept\n',
  '[a]\nk = 1\n[b]\nk=2\n  k3 = 4\n',
];

/** What python3's configparser reads for each option (section → key → value), or null without python3. */
function configparser(text: string): Record<string, Record<string, string>> | null {
  const py = `import configparser, json, sys
c = configparser.ConfigParser()
c.read_string(sys.stdin.read())
print(json.dumps({s: {k: c.get(s, k) for k in c.options(s)} for s in c.sections()}))`;
  const r = spawnSync('python3', ['-c', py], { input: text, encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return JSON.parse(r.stdout) as Record<string, Record<string, string>>;
}

const hasPython = python3Has('configparser');

describe('INI reader', () => {
  it('reads keys, values and positions', () => {
    const as = readIni('[agent]\nAgent_Mode = EXECUTE\n');
    expect(as.map((a) => `${a.key}=${a.value}@${a.line}:${a.column}`)).toEqual(['agent_mode=EXECUTE@2:14', 'agent.agent_mode=EXECUTE@2:14']);
    expect(
      readIni('[t]\nsetenv =\n    AGENT_MODE = EXECUTE\n')
        .filter((a) => a.syntax === 'ini-env-line')
        .map((a) => `${a.key}=${a.value}@${a.line}`),
    ).toEqual(['AGENT_MODE=EXECUTE@3']);
    expect(readIni('[a]\nk = %(missing)s\n')[0]).toMatchObject({ dynamic: true });
    expect(() => readIni('k = v\n')).toThrow();
  });
  it.skipIf(!hasPython)('agrees with python3 configparser on every option of the samples', () => {
    for (const text of SAMPLES) {
      const want = configparser(text)!;
      const got: Record<string, Record<string, string>> = {};
      for (const a of readIni(text)) {
        const dot = a.key.indexOf('.');
        if (dot === -1 || a.syntax !== 'ini') continue;
        (got[a.key.slice(0, dot)] ??= {})[a.key.slice(dot + 1)] = a.value;
      }
      expect(got, text).toEqual(want);
    }
  });
});
