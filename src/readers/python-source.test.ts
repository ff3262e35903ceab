import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { python3Has } from '../../test/helpers/tools.js';
import { codingCookie, decodePython, decodeUtf7, nfkcIdentifiers } from './python-source.js';

describe('Python source as CPython decodes it', () => {
  it('finds the coding cookie on line 1, or on line 2 after a comment line only', () => {
    expect(codingCookie('# -*- coding: utf-7 -*-\nx = 1\n')).toEqual({ codec: 'utf-7', line: 1 });
    expect(codingCookie('#!/usr/bin/env python3\n# vim: set fileencoding=Latin_1 :\n')).toEqual({ codec: 'latin-1', line: 2 });
    expect(codingCookie('x = 1\n# coding: utf-7\n')).toBeNull();
    expect(codingCookie('x = 1\ny = 2\n# coding: utf-7\n')).toBeNull();
  });
  it('decodes UTF-7 (RFC 2152)', () => {
    expect(decodeUtf7('+AEU-XECUTE')).toBe('EXECUTE');
    expect(decodeUtf7('a+-b')).toBe('a+b');
    expect(decodeUtf7('+AHM-ys.path')).toBe('sys.path');
  });
  it('decodes per the cookie, and marks a codec it cannot decode', () => {
    const b = (s: string) => Buffer.from(s, 'latin1');
    expect(decodePython(b('# coding: utf-7\nv = "+AEU-X"\n'), '# coding: utf-7\nv = "+AEU-X"\n').text).toBe('# coding: utf-7\nv = "EX"\n');
    expect(decodePython(b('# coding: latin-1\nv = "\xe9"\n'), '# coding: latin-1\nv = "\ufffd"\n').text).toBe('# coding: latin-1\nv = "é"\n');
    expect(decodePython(b('# coding: cp037\n'), '# coding: cp037\n').undecodable).toBe('cp037');
    // a cookie CPython refuses is a file that never runs: read as the UTF-8 text
    expect(decodePython(b('# coding: utf-16\n'), '# coding: utf-16\n').undecodable).toBeUndefined();
  });
  it('NFKC-normalises identifiers only (PEP 3131), never strings', () => {
    expect(nfkcIdentifiers('os.ｅｎｖｉｒｏｎ["ｋ"] = 1')).toBe('os.environ["ｋ"] = 1');
    expect(nfkcIdentifiers('plain = 1')).toBe('plain = 1');
  });
  it.skipIf(!python3Has())('agrees with python3 on a utf-7 file and an NFKC identifier', () => {
    const src = '# -*- coding: utf-7 -*-\nv = "+AEU-XECUTE"\n+/1b/Vg- = v\nprint(vv)\n';
    const got = execFileSync('python3', ['-c', `exec(compile(open(0, 'rb').read(), 'm.py', 'exec'))`], { input: src, encoding: 'utf8' }).trim();
    const ours = nfkcIdentifiers(decodePython(Buffer.from(src), src).text);
    expect(got).toBe('EXECUTE');
    expect(ours).toContain('v = "EXECUTE"\nvv = v');
  });
});
