// Parse checks: does a changed file parse? One function per language, each returning the
// position of the first error (UTF-16 offset into the blob's text) or null.
//
//   checkJson(text, {comments})  strict JSON (RFC 8259); with `comments` JSONC as tsconfig and
//                                VS Code read it (// and /* */ comments, trailing commas)
//   checkTsJs(blob, path)        @babel/parser 7 (typescript / jsx plugins by extension; TypeScript-only
//                                syntax in .js is an error); loaded lazily, only when a TS/JS file is checked
//   checkYaml(blob)              the shared YAML loader's errors (the same parse every YAML rule uses)
//   checkPython(blob)            in-process: tree-sitter-python errors, compile checks, CPython's
//                                post-parse errors (firstStrictError), NUL bytes
//   shellKind(path, text)        'bash' / 'sh' scripts checked with `bash -n` (import-hygiene)
//
// No parser is loaded at import time.
export { hasNoExtension, isPythonShebang, isShellShebang, languageOf, type ParseLanguage, type ParseProblem } from './languages.js';
export { checkJson } from './json.js';
export { checkTsJs } from './typescript.js';
export { checkYaml, isTemplatedYaml } from './yaml.js';
export { checkPython } from './python.js';
