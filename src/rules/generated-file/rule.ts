// generated-file: a file that carries a SignedSource signature must still match it.
// (Protection of generated files by their marker is protected-target's job; this rule checks
// the content of every signed file a change writes, wherever it lives.)
import { checkSignature } from '../_change-control/signed-source.js';
import type { FileChange } from '../../changeset/types.js';
import { createRule, type FileView, type RuleContext } from '../types.js';
import type { RuleReport } from '../messages.js';
import { generatedFileMessages } from './messages.js';
import type { GeneratedFileOptions } from './options.js';

function lineOf(bytes: Buffer, offset: number): number {
  let n = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

export const generatedFile = createRule({
  meta: {
    id: 'generated-file',
    family: 'integrity sentinels',
    description: 'Blocks signed generated files (SignedSource) whose content no longer matches their signature.',
    defaultSeverity: 'block',
    messages: generatedFileMessages,
    docs: `Files generated with Meta's SignedSource convention carry \`@generated SignedSource<<md5>>\`
(or \`@partially-generated …\`): the md5 of the file with the signature replaced by the signing
placeholder. A hand edit breaks it. Every added or modified file that carries a signature is
verified (fbjs and Hack codegen algorithms; partially generated files hash only their generated
part, so manual sections stay editable). A signing token that was never signed blocks too.

Options: exclude (globs; Markdown/reST/AsciiDoc by default, where signed examples are quoted).

Fix: regenerate the file with its generator; never edit the generated part by hand.`,
  },
  create(ctx: RuleContext<GeneratedFileOptions>) {
    const excluded = ctx.paths.glob(ctx.options.exclude);
    return {
      keywords: ['signedsource<<', '<<signedsource::'],
      files: (change: FileChange) => (change.newMode === '100644' || change.newMode === '100755') && !excluded(change.path),
      async checkFile(file: FileView, report: RuleReport<typeof generatedFileMessages>) {
        const blob = await file.newBlob();
        if (!blob) return;
        const r = checkSignature(blob.bytes);
        if (r.status === 'valid' || r.status === 'none') return;
        const line = lineOf(blob.bytes, r.offset);
        if (r.status === 'unsigned') report({ messageId: 'neverSigned', data: { path: file.path }, path: file.path, line });
        else report({ messageId: 'signatureMismatch', data: { path: file.path, detail: String(r.detail) }, path: file.path, line });
      },
    };
  },
});
