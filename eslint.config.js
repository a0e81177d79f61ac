import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'prisma/generated/**', 'bench/out/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        Blob: 'readonly',
        WebAssembly: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Dependencies point one way: bot → workflows → contacts → prisma.
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['contacts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/bot/**', '**/workflows/**', '../bot/*', '../workflows/*'] }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/bot/**', '../bot/*'] }] },
  },
  {
    files: ['prisma/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/bot/**', '**/workflows/**', '**/contacts/**'] }] },
  },
);
