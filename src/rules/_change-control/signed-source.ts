// Meta's SignedSource convention for generated files.
//
// The generator embeds a signing token, `<tag> <<SignedSource::*O*zOeWoEQle#+L!plEphiEmie@IsG>>`
// (tag: the generated or partially-generated marker), then replaces the token's placeholder by
// `SignedSource<<md5>>`, where md5 is the hex MD5 of the file with the placeholder in place.
// Verifying puts the placeholder back and hashes again. Two implementations exist and both are
// accepted:
// - fbjs `signedsource` (JS/Relay/Rust ports): replaces the first signature, placeholder
//   `...@IsG>>` (or the older `...@I>>`), hashes the whole file;
// - Hack codegen: replaces every occurrence, placeholder `...@I>>`, and for partially generated
//   files hashes only the generated part (manual section contents removed, lines joined by
//   "\n", the BEGIN/END lines kept).
// The hash is over bytes: the file is handled as latin1 so any byte survives unchanged.
import { createHash } from 'node:crypto';
import { MANUAL_BEGIN, MANUAL_END } from './markers.js';

const AT = '@';
const PLACEHOLDER = '<<SignedSource::*O*zOeWoEQle#+L!plEphiEmie@IsG>>';
export const OLD_PLACEHOLDER = '<<SignedSource::*O*zOeWoEQle#+L!plEphiEmie@I>>';
const SIGNATURE = new RegExp(`${AT}(generated|partially-generated) SignedSource<<([a-f0-9]{32})>>`, 'g');
const UNSIGNED = new RegExp(`${AT}(?:generated|partially-generated) <<SignedSource::`);

type SignatureStatus = 'valid' | 'invalid' | 'unsigned' | 'none';

export interface SignatureCheck {
  status: SignatureStatus;
  /** Byte offset of the signature (or unsigned token); -1 for 'none'. */
  offset: number;
  tag: 'generated' | 'partially-generated' | null;
  /** Why it is invalid. */
  detail: string | null;
}

function md5(latin1: string): string {
  return createHash('md5').update(latin1, 'latin1').digest('hex');
}

/** Hack codegen's PartiallyGeneratedCode::extractGeneratedCode. */
export function extractGeneratedCode(text: string): string {
  const generated: string[] = [];
  let chunk: string[] = [];
  let inManual = false;
  for (const line of text.split('\n')) {
    if (MANUAL_END.test(line)) {
      if (!inManual) generated.push(chunk.join('\n'));
      chunk = [line];
      inManual = false;
    } else if (MANUAL_BEGIN.test(line) && !inManual) {
      chunk.push(line);
      generated.push(chunk.join('\n'));
      chunk = [];
      inManual = true;
    } else {
      chunk.push(line);
    }
  }
  if (text !== '' && !inManual) generated.push(chunk.join('\n'));
  return generated.join('\n');
}

export function checkSignature(bytes: Buffer): SignatureCheck {
  const text = bytes.toString('latin1');
  const matches = [...text.matchAll(SIGNATURE)];
  if (matches.length === 0) {
    const u = UNSIGNED.exec(text);
    return u ? { status: 'unsigned', offset: u.index, tag: null, detail: 'the signing token was never signed' } : { status: 'none', offset: -1, tag: null, detail: null };
  }
  const first = matches[0]!;
  const tag = first[1] as 'generated' | 'partially-generated';
  const sig = first[2]!;
  if (new Set(matches.map((m) => m[2])).size > 1) {
    return { status: 'invalid', offset: first.index!, tag, detail: 'the file carries several different signatures' };
  }
  const signed = `SignedSource<<${sig}>>`;
  const at = first.index! + first[0].length - signed.length;
  for (const placeholder of [PLACEHOLDER, OLD_PLACEHOLDER]) {
    const once = text.slice(0, at) + placeholder + text.slice(at + signed.length);
    const all = text.split(signed).join(placeholder);
    for (const candidate of once === all ? [once] : [once, all]) {
      if (md5(candidate) === sig) return { status: 'valid', offset: first.index!, tag, detail: null };
      if (tag === 'partially-generated' && md5(extractGeneratedCode(candidate)) === sig) {
        return { status: 'valid', offset: first.index!, tag, detail: null };
      }
    }
  }
  return { status: 'invalid', offset: first.index!, tag, detail: 'the content no longer matches its signature' };
}

/** Sign a text that contains the signing token (fbjs algorithm; Hack's for partially generated files). */
export function signSource(text: string): string {
  const token = text.includes(PLACEHOLDER) ? PLACEHOLDER : text.includes(OLD_PLACEHOLDER) ? OLD_PLACEHOLDER : null;
  if (!token) throw new Error('no signing token in the text');
  const partial = text.includes(`${AT}partially-generated ${token}`);
  const latin1 = Buffer.from(text, 'utf8').toString('latin1');
  const sig = md5(partial ? extractGeneratedCode(latin1) : latin1);
  return Buffer.from(latin1.replace(token, `SignedSource<<${sig}>>`), 'latin1').toString('utf8');
}

/** The signing token a generator embeds before signing. */
export function signingToken(partial = false): string {
  return `${AT}${partial ? 'partially-generated' : 'generated'} ${PLACEHOLDER}`;
}
