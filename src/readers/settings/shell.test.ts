import { describe, expect, it } from 'vitest';
import { readShell } from './shell.js';

const only = (text: string, key = 'AGENT_MODE') =>
  readShell(text)
    .filter((a) => a.key === key)
    .map((a) => `${a.value}${a.dynamic ? ' (dynamic)' : ''} @${a.line}:${a.column}`);

describe('shell word processing before assignments are recognised', () => {
  it('reads arguments of declaration builtins and env after quote removal', () => {
    expect(only('export "AGENT_MODE=EXECUTE"')).toEqual(['EXECUTE @1:20']);
    expect(only("declare -x 'AGENT_MODE'=EXECUTE")).toEqual(['EXECUTE @1:25']);
    expect(only("export $'AGENT_MODE=\\x45XECUTE'")).toEqual(['EXECUTE @1:21']);
    expect(only('env "AGENT_MODE=EXECUTE" ./run')).toEqual(['EXECUTE @1:17']);
    expect(only('export "AGENT_MODE=$M"')).toEqual(['$M (dynamic) @1:20']);
    // a quoted word in command position is the command's name, not an assignment
    expect(only('"AGENT_MODE=EXECUTE" cmd')).toEqual([]);
  });

  it('splits read fields on the IFS in effect, as bash does', () => {
    expect(only('IFS== read -r K AGENT_MODE <<< "x=EXECUTE"')).toEqual(['EXECUTE @1:32']);
    expect(only('IFS=:\nread -r A AGENT_MODE REST <<< "a:EXECUTE:z"')).toEqual(['EXECUTE @2:31']);
    expect(only('read -r K AGENT_MODE <<< "  x   EXECUTE  now  "')).toEqual(['EXECUTE  now @1:26']);
    expect(only('IFS=" =" read -r K AGENT_MODE <<< "x = EXECUTE"')).toEqual(['EXECUTE @1:35']);
    expect(only('IFS=$1 read -r K AGENT_MODE <<< "x=EXECUTE"')).toEqual([' (dynamic) @1:33']);
  });
});

describe('bash namerefs (r15-lex)', () => {
  it('an assignment through declare -n / typeset -n / local -n assigns the variable it names', () => {
    const keys = (t: string) => readShell(t).map((a) => `${a.key}=${a.value}`);
    expect(keys('declare -n ref=AGENT_MODE\nref=EXECUTE\nexport AGENT_MODE\n')).toContain('AGENT_MODE=EXECUTE');
    expect(keys('f() { local -n r=AGENT_MODE; r=EXECUTE; }\n')).toContain('AGENT_MODE=EXECUTE');
    expect(keys('declare ref=AGENT_MODE\nref=EXECUTE\n')).not.toContain('AGENT_MODE=EXECUTE');
  });
});
