import { describe, expect, it } from 'vitest';
import { readDockerfileText, sourceOffset, splitWords } from './dockerfile.js';
import { readDockerfile } from './settings/dockerfile.js';
import { dockerfileImages } from '../rules/image-pinning/dockerfile.js';

const keywords = (t: string) => readDockerfileText(t).instructions.map((i) => `${i.onbuild ? 'ONBUILD ' : ''}${i.keyword}: ${i.text}`);

describe('readDockerfileText', () => {
  it.each([
    [
      'continuations join without a separator; comment and blank lines inside are skipped',
      'FROM a\nRUN echo x \\\n  # note\n\n  && y\n',
      ['FROM: FROM a', 'RUN: RUN echo x   && y'],
    ],
    ['spaces and tabs after the escape still continue; a doubled escape too (BuildKit)', 'ENV A=1 \\ \t\n  B=2\nRUN a \\\\\nb\n', ['ENV: ENV A=1   B=2', 'RUN: RUN a \\b']],
    ['# escape=` makes the backtick the escape and the backslash plain', '# escape=`\nFROM a\nENV P=c:\\dir `\n  Q=1\n', ['FROM: FROM a', 'ENV: ENV P=c:\\dir   Q=1']],
    ['a directive after the first other line is a comment (and a line that is no instruction is none)', 'FROM a\n# escape=`\nENV A=1 `\nB=2\n', ['FROM: FROM a', 'ENV: ENV A=1 `']],
    ['keywords in any case; ONBUILD names its instruction', 'from a\nonbuild env X=1\n', ['FROM: from a', 'ONBUILD ENV: onbuild env X=1']],
    ['CRLF line ends', 'FROM a\r\nENV A=1 \\\r\n  B=2\r\n', ['FROM: FROM a', 'ENV: ENV A=1   B=2']],
    [
      'heredoc bodies are not instructions (<<- strips tabs from the closing line)',
      'FROM a\nRUN <<EOF\nENV X=1\nEOF\nCOPY <<-"END" /dst\n\tFROM evil\n\tEND\nENV Y=2\n',
      ['FROM: FROM a', 'RUN: RUN <<EOF', 'COPY: COPY <<-"END" /dst', 'ENV: ENV Y=2'],
    ],
  ])('%s', (_what, text, expected) => {
    expect(keywords(text)).toEqual(expected);
  });

  it('maps every character of an instruction to its source offset, across continuations', () => {
    const text = 'FROM a\nENV A=1 \\\n    B=2\n';
    const env = readDockerfileText(text).instructions[1]!;
    const b = env.text.indexOf('B=2');
    expect(text.slice(sourceOffset(env, b), sourceOffset(env, b) + 3)).toBe('B=2');
    expect(sourceOffset(env, env.text.length + 5)).toBe(text.indexOf('2\n'));
  });

  it('keeps heredoc bodies with their offsets, and tells JSON form from shell form', () => {
    const text = 'RUN --mount=type=cache,target=/c <<EOF\nset -e\nexport A=1\nEOF\nCMD ["run", "x"]\nCMD run x\n';
    const [run, cmd1, cmd2] = readDockerfileText(text).instructions;
    expect(run!.heredocs).toEqual([{ delimiter: 'EOF', stripTabs: false, body: 'set -e\nexport A=1', offset: text.indexOf('set -e') }]);
    expect([run!.jsonForm, cmd1!.jsonForm, cmd2!.jsonForm]).toEqual([false, true, false]);
  });

  it('splits words on unquoted whitespace with the escape honoured', () => {
    expect(splitWords(`A="x y" B='p q' C=a\\ b`, '\\').map((w) => [w.raw, w.value, w.start])).toEqual([
      ['A="x y"', 'A=x y', 0],
      ["B='p q'", 'B=p q', 8],
      ['C=a\\ b', 'C=a b', 16],
    ]);
  });

  it('both views read through it: a heredoc body sets no variable and pulls no image', () => {
    const text = 'FROM python:3.12\nRUN <<EOF\nENV AGENT_MODE=EXECUTE\nFROM evil:latest\nEOF\nENV TRADING_MODE=paper\n';
    expect(readDockerfile(text).map((a) => `${a.key}=${a.value}@${a.line}`)).toEqual(['TRADING_MODE=paper@6']);
    expect(dockerfileImages(text).map((u) => u.ref)).toEqual(['python:3.12']);
  });
});
