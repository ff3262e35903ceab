// Which files a shell command writes, read as bash reads it. Each row: the command, the paths
// it writes (relative to /r; '!' marks a deletion, '?' a target only known at run time), and
// the refusal it must produce, if any.
import { describe, expect, it } from 'vitest';
import { mayWrite, shellWrites } from './shell-writes.js';

const CTX = { cwd: '/r', home: '/home/u', env: { TMPDIR: '/tmp', EMPTY: '' } };

async function run(command: string) {
  const a = await shellWrites(command, CTX);
  const writes = a.writes.map((w) => (w.path === null ? '?' : `${w.op === 'delete' ? '!' : ''}${w.path.startsWith('/r/') ? w.path.slice(3) : w.path}`));
  return { writes, problems: a.problems };
}

const CASES: [string, string[], RegExp?][] = [
  // redirections
  ['echo hi > a.txt', ['a.txt']],
  ['echo hi >> a.txt 2>&1', ['a.txt']],
  ['echo hi >| a.txt', ['a.txt']],
  ['cmd &> log.txt', ['log.txt']],
  ['cmd &>> log.txt', ['log.txt']],
  ['cmd >&out.txt', ['out.txt']],
  ['exec 3>fd.txt', ['fd.txt']],
  ['exec 3<> fd.txt', [], /cannot parse/],
  ['cat < in.txt', []],
  ['cmd 2>&1 | cat', []],
  ['echo hi > /dev/null', ['/dev/null']],
  // quoting and escapes decide the name
  ['echo x > "a b.txt"', ['a b.txt']],
  ['echo x > \'w\'"f".yml', ['wf.yml']],
  ['echo x > a\\ b.txt', ['a b.txt']],
  ["echo x > $'\\x2egithub/ci.yml'", ['.github/ci.yml']],
  ["echo x > $'\\056github/ci.yml'", ['.github/ci.yml']],
  ['echo x > ".git\\hub"', ['.git\\hub']],
  ['echo x > \\\n  a.txt', ['a.txt']],
  // variables: the command's own, the environment's, run-time ones
  ['D=.github; echo x > "$D/ci.yml"', ['.github/ci.yml']],
  ['export D=.github; echo x > ${D}/ci.yml', ['.github/ci.yml']],
  ['echo x > "$TMPDIR/x"', ['/tmp/x']],
  ['echo x > "${EMPTY}a.txt"', ['a.txt']],
  ['echo x > ~/notes', ['/home/u/notes']],
  ['echo x > "$1"', ['?']],
  ['echo x > ${D:-.github}/ci.yml', ['?']],
  ['echo x > $(pick)', ['?']],
  ['echo x > `pick`', ['?']],
  ['for f in a b; do echo x > "$f"; done', ['?']],
  ['echo x > {a,b}.yml', ['?']],
  // cd moves the base of relative paths, subshells and pipes keep theirs
  ['cd .github && echo x > ci.yml', ['.github/ci.yml']],
  ['cd /elsewhere; echo x > f', ['/elsewhere/f']],
  ['(cd sub && echo x > f); echo y > g', ['sub/f', 'g']],
  ['cd "$(dirname x)" && echo x > f', ['?']],
  ['pushd .github >/dev/null && echo x > ci.yml', ['/dev/null', '.github/ci.yml']],
  // writers of their operands
  ['echo x | tee -a a.txt b.txt', ['a.txt', 'b.txt']],
  ['sed -i s/a/b/ f.yml', ['f.yml']],
  ['sed -i.bak -e s/a/b/ f.yml g.yml', ['f.yml', 'g.yml']],
  ['sed -Ei s/a/b/ f.yml', ['f.yml']],
  ['sed --in-place=.orig "s/a/b/" f.yml', ['f.yml']],
  ['sed -n s/a/b/p f.yml', []],
  ['sed -e s/i/j/ f.yml', []],
  ['perl -pi -e s/a/b/ f.yml', ['f.yml']],
  ['perl -i.bak -pe s/a/b/ f.yml', ['f.yml']],
  ['gawk -i inplace "{print}" f.txt', ['f.txt']],
  ['cp a.txt b.txt', ['b.txt']],
  ['cp -r a b c/', ['c/a', 'c/b']],
  ['cp -t dest a b', ['dest/a', 'dest/b']],
  ['install -m 755 tool bin/tool', ['bin/tool']],
  ['mv old.txt new.txt', ['!old.txt', 'new.txt']],
  ['ln -sf target link', ['link']],
  ['rm -rf build .github/workflows/ci.yml', ['!build', '!.github/workflows/ci.yml']],
  ['rm -- -weird', ['!-weird']],
  ['unlink f', ['!f']],
  ['touch a b', ['a', 'b']],
  ['truncate -s 0 f', ['f']],
  ['chmod +x run.sh', ['run.sh']],
  ['chown -R u:g dir', ['dir']],
  ['dd if=/dev/zero of=disk.img bs=1 count=1', ['disk.img']],
  ['curl -fsSL -o tool.sh https://x', ['tool.sh']],
  ['wget -O tool.sh https://x', ['tool.sh']],
  // wrappers and nested shells
  ['sudo tee /etc/x < in', ['/etc/x']],
  ['env A=1 B=2 tee f', ['f']],
  ['timeout 5 tee f', ['f']],
  ['nohup sh -c "echo x > f" &', ['f']],
  ["bash -c 'cd .github && echo x > ci.yml'", ['.github/ci.yml']],
  ['eval "echo x > f"', ['f']],
  ['echo "$(echo x > inner.txt)"', ['inner.txt']],
  ['diff <(cat a) <(cat b > c)', ['c']],
  ['if true; then echo x > f; fi', ['f']],
  ['while read l; do echo "$l" >> out; done < in', ['out']],
  ['f() { echo x > g; }; f', ['g']],
  ['! echo x > f', ['f']],
  ['[ -f a ] && echo x > b', ['b']],
  // git's own writers
  ['git rm -q a.txt', ['!a.txt']],
  ['git mv a.txt b.txt', ['!a.txt', 'b.txt']],
  ['git -C sub rm f', ['!sub/f']],
  ['git checkout main -- .github/workflows/ci.yml', ['.github/workflows/ci.yml']],
  ['git restore --source=HEAD~1 ci.yml', ['ci.yml']],
  ['git checkout -- ci.yml', []],
  ['git restore ci.yml', []],
  ['git checkout feature', []],
  ['git status && git diff', []],
  ['git commit -m "$(cat <<\'EOF\'\nmessage\nEOF\n)"', []],
  // refusals: cannot be judged, or switch the gate off
  ['git commit --no-verify -m x', [], /--no-verify/],
  ['git commit -nm x', [], /--no-verify/],
  ['git push --no-verify', [], /--no-verify/],
  ['git config core.hooksPath /dev/null', [], /core\.hooksPath/],
  ['git -c core.hooksPath=/dev/null commit -m x', [], /core\.hooksPath/],
  ['SAFETY_GATE_SKIP=1 git commit -m x', [], /SAFETY_GATE_SKIP/],
  ['export HUSKY=0', [], /HUSKY/],
  ['env SAFETY_GATE_SKIP=1 git commit', [], /SAFETY_GATE_SKIP/],
  ['find . -name "*.yml" -delete', [], /find/],
  ['ls | xargs rm', [], /xargs rm/],
  ['tar xzf a.tgz', [], /extracts/],
  ['unzip a.zip', [], /extracts/],
  ['git apply fix.patch', [], /git apply/],
  ['patch -p1 < fix.patch', [], /patch/],
  ['curl -O https://x/tool.sh', [], /curl -O/],
  ['"$(which tee)" f.txt', [], /cannot tell which command/],
  ['eval "$(cat cmd.txt)"', [], /eval/],
  ['"$UNSET_VAR" > f', ['f']],
  ['echo x > (', [], /cannot parse/],
];

describe('shellWrites', () => {
  it.each(CASES)('%s', async (command, writes, problem) => {
    const r = await run(command);
    expect(r.writes).toEqual(writes);
    if (problem) expect(r.problems.join('\n')).toMatch(problem);
    else expect(r.problems).toEqual([]);
  });
});

describe('mayWrite (the cheap pass before the grammar loads)', () => {
  it('lets only commands of literal, non-writing words skip the parse', () => {
    for (const c of ['ls -la', 'npm test', 'cat README.md', 'grep -rn foo src', 'pytest -q tests', 'make build']) expect(mayWrite(c)).toBe(false);
    for (const c of ['echo x > f', 'tee f', '/bin/rm f', "t'e'e f", 'r\\m f', '$X f', '`x` f', 'r[m] f', 'env tee f', 'git status', 'x=(a)', '{ rm f; }', 'busybox rm f'])
      expect(mayWrite(c)).toBe(true);
  });

  it('agrees with the analysis on every case of the table', async () => {
    for (const [command] of CASES) {
      if (mayWrite(command)) continue;
      const a = await shellWrites(command.replace(/^/, ''), CTX);
      expect(a).toEqual({ writes: [], problems: [] });
    }
  });
});
