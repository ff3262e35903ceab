// `npm run lint`: typescript-eslint's recommended rules over the TypeScript and the build/bench
// scripts (syntax only, no type information: fast on a small machine; tsc does the types), and
// the layer rule: no import runs back up a layer (see docs/ARCHITECTURE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const node = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'TextDecoder', 'TextEncoder', 'performance', 'structuredClone', 'AbortController', 'queueMicrotask'].map((g) => [g, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'test/corpus/**/*.yaml'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: node },
    rules: {
      // `const { a: _a, ...rest } = x` leaves a field out on purpose; `_x` marks an unused parameter.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A gate reads bytes: control characters in patterns (NUL, ESC, \x01 separators) are meant.
      'no-control-regex': 'off',
      // `let x = default; try { x = … }` is how the readers keep a fallback; tsc checks the rest.
      'no-useless-assignment': 'off',
      // Expected output in tests is written as it prints, spaces and all.
      'no-regex-spaces': 'off',
    },
  },
);
