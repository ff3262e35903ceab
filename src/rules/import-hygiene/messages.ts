// What the import-hygiene rule says: its findings, and what it says when it cannot decide.
import { defineMessages } from '../messages.js';

export const importHygieneMsg = {
  pythonCheckFailed: (path: string, detail: string) => `could not check Python syntax of ${path}: ${detail}`,
  pythonCheckFailedHint: 'retry; SAFETY_GATE_PYTHON=off (or parse_check.python_compiler: builtin) uses the in-process checker',
} as const;

// Every finding message of import-hygiene.
export const importHygieneMessages = defineMessages({
  sysPath: {
    text: 'sys.path mutation in runtime scope: {{code}}',
    fix: 'remove the sys.path change; import through the package (absolute imports, an installed package, or PYTHONPATH set by the entrypoint)',
  },
  syntax: {
    text: '{{path}} does not parse as {{language}}: {{problem}}',
    subRule: 'syntax',
    fix: 'fix the syntax error at line {{line}}, column {{column}}',
  },
  relativeImport: {
    text: 'relative import in {{path}}, an entrypoint script outside a package: {{code}} (run as a file it fails with "attempted relative import with no known parent package")',
    subRule: 'relative-import',
    fix: 'use an absolute import (from package.module import name), or make the directory a package and run the module with python -m',
  },
});

/** A CPython compile error as reported: its class before its message (except for plain syntax errors), and the interpreter's version. */
export const pythonProblem = (kind: string, message: string, version: string) =>
  `${kind === 'SyntaxError' || kind === 'ValueError' ? '' : `${kind}: `}${message} (python ${version})`;
