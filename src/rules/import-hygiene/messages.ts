// What the import-hygiene rule says when it cannot decide.
export const importHygieneMsg = {
  pythonCheckFailed: (path: string, detail: string) => `could not check Python syntax of ${path}: ${detail}`,
  pythonCheckFailedHint: 'retry; SAFETY_GATE_PYTHON=off (or parse_check.python_compiler: builtin) uses the in-process checker',
} as const;
