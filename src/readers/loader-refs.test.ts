import { describe, expect, it } from 'vitest';
import { codeLoaderKind, codeRefs, literalPath, shellWords } from './loader-refs.js';

const paths = (path: string, text: string) => codeRefs(path, text).map((r) => [r.readAs, r.paths[0], r.line]);

describe('codeLoaderKind', () => {
  it('names the loaders by file name', () => {
    expect(['Dockerfile', 'svc/Containerfile.prod', 'Makefile', 'x.mk', '.envrc', 'ops/run.sh', 'a.py', 'b.mjs', 'c.tsx', 'README.md', 'app.env'].map(codeLoaderKind)).toEqual([
      'dockerfile',
      'dockerfile',
      'make',
      'make',
      'shell',
      'shell',
      'python',
      'js',
      'js',
      null,
      null,
    ]);
  });
});

describe('literalPath', () => {
  it('keeps what the runtime resolves, drops what it computes', () => {
    expect(literalPath('${ENV_DIR:-docs}/prod.env')).toBe('docs/prod.env');
    expect(literalPath('${ENV_DIR}/prod.env')).toBeNull();
    expect(literalPath('$(dirname "$0")/x.env', 'ops')).toBe('ops/x.env');
    expect(literalPath('$(cat f)')).toBeNull();
  });
});

describe('shellWords', () => {
  it('removes quotes and keeps a command substitution whole', () => {
    expect(shellWords(`set -a; . "./docs/a b.env"; export $(grep -v "^#" f | xargs) # c`)).toEqual([
      'set',
      '-a',
      ';',
      '.',
      './docs/a b.env',
      ';',
      'export',
      '$(grep -v "^#" f | xargs)',
    ]);
  });
});

describe('codeRefs', () => {
  it('Python: dotenv loaders, pydantic env_file, runpy, exec(open()), imports', () => {
    expect(paths('backend/boot.py', 'load_dotenv(dotenv_path="docs/prod.env", override=True)\nos.environ.update(dotenv_values("docs/v.env"))\n')).toEqual([
      ['dotenv', 'docs/prod.env', 1],
      ['dotenv', 'docs/v.env', 2],
    ]);
    expect(paths('b/s.py', 'class S(BaseSettings):\n    model_config = SettingsConfigDict(env_file=("a.env", "docs/b.env"), env_file_encoding="utf-8")\n')).toEqual([
      ['dotenv', 'a.env', 2],
      ['dotenv', 'docs/b.env', 2],
    ]);
    expect(paths('b/s.py', 'runpy.run_path("docs/f.py")\nexec(open("docs/g.py").read())\n')).toEqual([
      ['python', 'docs/f.py', 1],
      ['python', 'docs/g.py', 2],
    ]);
    const imports = codeRefs('backend/app.py', 'import tests.flags\nfrom . import conftest\n# import nothing\n').flatMap((r) => r.paths);
    expect(imports).toEqual(expect.arrayContaining(['backend/tests/flags.py', 'backend/tests/__init__.py', 'tests/flags.py', 'backend/conftest.py']));
    expect(imports.some((p) => p.includes('nothing'))).toBe(false);
  });

  it('load_dotenv without a literal path is no reference (computed at run time)', () => {
    expect(codeRefs('a.py', 'load_dotenv(find_dotenv())\nload_dotenv(os.environ["F"])\n')).toEqual([]);
  });

  it('JS: dotenv.config({path}), relative requires and imports, bare packages in node_modules', () => {
    const refs = codeRefs('backend/boot.js', 'require("dotenv").config({ path: "docs/prod.env" });\nimport x from "../docs/flags.js";\nrequire("fs");\nrequire("pkg");\n');
    expect(refs.map((r) => [r.readAs, r.paths[0]])).toEqual([
      ['dotenv', 'docs/prod.env'],
      ['js', 'backend/node_modules/pkg'],
      ['js', 'docs/flags.js'],
    ]);
    expect(refs[1]!.paths).toContain('node_modules/pkg/index.js');
  });

  it('shell: source, ., direnv dotenv, docker --env-file, export $(cat F | xargs)', () => {
    expect(paths('ops/run.sh', 'set -a; source "./docs/a.env"; set +a\n. docs/b.sh\ndocker run --env-file=docs/c.env img\nexport $(cat docs/d.env | xargs)\n')).toEqual([
      ['dotenv', 'docs/a.env', 1],
      ['shell', 'docs/b.sh', 2],
      ['dotenv', 'docs/c.env', 3],
      ['dotenv', 'docs/d.env', 4],
    ]);
    expect(paths('.envrc', 'dotenv docs/prod.env\nsource_env ${X:-docs}/more\n')).toEqual([
      ['dotenv', 'docs/prod.env', 1],
      ['shell', 'docs/more', 2],
    ]);
    expect(codeRefs('ops/run.sh', 'echo source docs/x.env\n. "$CONF"\n')).toEqual([]);
  });

  it('Makefile include, relative to the Makefile', () => {
    expect(paths('svc/Makefile', 'include ../docs/prod.env\n-include local.mk\n')).toEqual([
      ['dotenv', 'docs/prod.env', 1],
      ['dotenv', 'svc/local.mk', 2],
    ]);
  });

  it('Dockerfile COPY/ADD: flags, JSON form, globs, the name in the image; --from, URLs and heredocs skipped', () => {
    const refs = codeRefs(
      'svc/Dockerfile',
      'FROM a AS b\nCOPY --chmod=644 --chown=app cfg/prod.env /app/.env\nADD ["x.yaml", "/etc/"]\nCOPY cfg/*.env \\\n  /app/\nCOPY --from=b /x /y\nADD https://e.com/f /f\nCOPY <<EOF /app/.env\n',
    );
    expect(refs.map((r) => [r.readAs, r.paths[0], r.line, !!r.glob])).toEqual([
      ['name:.env', 'svc/cfg/prod.env', 2, false],
      ['by-name', 'svc/x.yaml', 3, false],
      ['by-name', 'svc/cfg/*.env', 4, true],
    ]);
  });
});
