// typescript-eslint's type-checked recommended rules: what the type checker alone does not catch.
// no-floating-promises matters most on Workers: an un-awaited promise is silently dropped when
// the request ends.
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".wrangler/",
      "worker-configuration.d.ts",
      "bench/",
      "scripts/",
      "dist/",
      "src/sdk/bundle.generated.ts",
      "src/console/client/scripts.generated.ts",
      "src/destinations/actions/framework/segment-actions.bundle.cjs",
    ],
  },
  {
    files: ["**/*.ts", "**/*.tsx"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["vitest.config.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-eval": "error",
      "no-new-func": "error",
    },
  },
);
