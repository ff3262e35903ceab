// readable-content: runtime-scope files whose bytes the gate cannot read the way they are
// deployed. Three cases, each a finding instead of a silent skip:
//   undecodable    a file named like text (config, code, scripts) whose bytes are neither
//                  UTF-8 (NULs allowed), UTF-16 nor UTF-32 and are not a known binary format
//   lfs-pointer    a Git LFS pointer: the content deployed lives outside the repository
//   git-attribute  a .gitattributes line (any directory) that makes git write other bytes
//                  than the blob for runtime-scope paths: filter=, export-subst, ident,
//                  working-tree-encoding=
//   gitlink        a submodule (gitlink) added or moved in runtime scope: its content is another
//                  repository's commit, which no rule ever reads
import type { FileChange } from '../../changeset/types.js';
import { knownBinaryFormat } from '../../changeset/blob.js';
import { detectFormat } from '../../readers/settings/index.js';
import { createRule, type FileView, type RuleContext, type RunView } from '../types.js';
import type { RuleReport } from '../messages.js';
import { readableContentMessages } from './messages.js';

type Report = RuleReport<typeof readableContentMessages>;
import { byteAttributes, candidatePaths } from './attributes.js';
import type { ReadableContentOptions } from './options.js';

const LFS = 'version https://git-lfs.github.com/spec/v1';

/** Extensions of text formats a runtime or tool reads (beyond those the settings readers know). */
const TEXT_EXT = new Set(
  'toml ini cfg conf config properties xml txt csv tsv sql service timer socket target mk make gradle kts groovy java kt scala go rs rb php pl pm lua r cs fs vb swift c h cc cpp hpp m mm ps1 psm1 bat cmd vbs j2 jinja jinja2 tmpl tpl mustache hbs erb template html htm css scss vue svelte md rst adoc ipynb'.split(
    ' ',
  ),
);

function namedLikeText(path: string): boolean {
  if (detectFormat(path) !== 'lines') return true;
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (/^(makefile|procfile|gemfile|rakefile|jenkinsfile|vagrantfile|justfile|caddyfile)$/.test(base)) return true;
  const dot = base.lastIndexOf('.');
  return dot >= 0 && TEXT_EXT.has(base.slice(dot + 1));
}

function isGitattributes(path: string): boolean {
  return path === '.gitattributes' || path.endsWith('/.gitattributes');
}

const DOCS = `Reports runtime-scope files whose bytes are not the bytes the runtime gets, so that no
other rule silently skips them (principle 10: read bytes the way their consumer does).

  readable-content/undecodable    a file named like text (config, code, scripts: .env, .yaml,
                                  .json, .py, .sh, .toml, .properties, Dockerfile, …) whose bytes
                                  are neither UTF-8, UTF-16 nor UTF-32 and are no known binary
                                  format (PNG, JPEG, zip, gzip, ELF, fonts, …). Every rule reads
                                  UTF-8 (a NUL byte inside is read past, as the shell and dotenv
                                  do), UTF-16 and UTF-32 (by BOM, or by their NUL pattern), and a
                                  UTF-8 BOM and lone CR line ends like the consumer; only what
                                  none of them decodes lands here.
  readable-content/lfs-pointer    a Git LFS pointer in runtime scope: the deployed file lives on
                                  the LFS server and was never checked.
  readable-content/git-attribute  a .gitattributes line, in any directory, whose pattern can
                                  match a runtime-scope path and that sets filter=<driver>
                                  (clean/smudge, LFS), export-subst (git archive expands
                                  $Format:…$), ident ($Id$ on checkout) or
                                  working-tree-encoding=<enc> (re-encoded on checkout), directly
                                  or through an [attr] macro.
  readable-content/gitlink        a submodule (gitlink, mode 160000) added, moved or pointed at
                                  another commit in runtime scope: what is deployed there is a
                                  commit of another repository, which no rule reads.

Out of reach: binary files with an unknown extension are not read (they are not config a
runtime parses as text); filters configured only in .git/config or info/attributes are the
server's business, not the push's.

Options: scope {include?, exclude?}  narrow or widen the runtime scope for this rule.

Fix: commit the file as UTF-8 (or UTF-16/32 with a BOM); keep runtime config out of LFS and
out of filter/export-subst/ident attributes, or move it out of runtime scope.`;

export const readableContent = createRule({
  meta: {
    id: 'readable-content',
    family: 'forbidden modes',
    description: 'Reports runtime-scope files whose deployed bytes the gate cannot read: undecodable text, Git LFS pointers, byte-changing .gitattributes.',
    defaultSeverity: 'block',
    messages: readableContentMessages,
    docs: DOCS,
  },
  create(ctx: RuleContext<ReadableContentOptions>) {
    const scope = ctx.options?.scope ?? {};
    const inScope = ctx.paths.runtimeScope({
      ...(scope.include ? { include: scope.include } : {}),
      ...(scope.exclude ? { exclude: scope.exclude } : {}),
    });
    const includes = scope.include ?? ctx.policy.runtimeScope.include;
    return {
      keywords: ['git-lfs.github.com/spec', 'filter=', 'export-subst', 'ident', 'working-tree-encoding'],
      undecodable: true,
      files(change: FileChange) {
        if (change.newMode !== '100644' && change.newMode !== '100755') return false;
        return isGitattributes(change.path) || inScope(change.path);
      },
      // Gitlinks never reach checkFile (there is no blob to read): judged from the changes.
      checkRun(run: RunView, report: Report) {
        for (const c of run.commits) {
          for (const change of c.changes) {
            if (change.status === 'D' || change.newMode !== '160000' || !inScope(change.path)) continue;
            report({
              messageId: 'gitlink',
              data: { path: change.path, target: change.newOid?.slice(0, 12) ?? '?' },
              path: change.path,
              line: null,
              commit: c.info.oid,
            });
          }
        }
      },
      async checkFile(file: FileView, report: Report) {
        const blob = await file.newBlob();
        if (!blob) return;
        const path = file.path;
        if (isGitattributes(path)) {
          if (!blob.isText) return;
          const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
          for (const a of byteAttributes(blob.text)) {
            const hit = candidatePaths(dir, a.pattern, includes).find((p) => inScope(p));
            if (!hit) continue;
            report({
              messageId: 'gitAttribute',
              data: { attrs: a.attrs.join(', '), pattern: a.pattern, example: hit },
              path,
              line: a.line,
              column: a.column,
            });
          }
          return;
        }
        if (!inScope(path)) return;
        if (!blob.isText) {
          if (knownBinaryFormat(blob.bytes) || !namedLikeText(path)) return;
          report({
            messageId: 'undecodable',
            data: { path },
            path,
            line: null,
          });
          return;
        }
        if (blob.text.startsWith(LFS) || blob.readerText.startsWith(LFS)) {
          report({
            messageId: 'lfsPointer',
            data: { path },
            path,
            line: 1,
            column: 1,
          });
        }
      },
    };
  },
});
