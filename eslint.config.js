// Type-checked lint rules: no-floating-promises matters most in a process orchestrator, where a
// forgotten promise is a child process nobody waits for.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'bench/',
      'test/summary.mjs',
      'schema/reference.mjs',
      'eslint.config.js',
      'vitest.config.ts',
      'bin/',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // vitest's asymmetric matchers (expect.stringMatching, …) are typed `any` by design.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
);
