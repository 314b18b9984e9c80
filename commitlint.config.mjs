// Conventional commits (feat:, fix:, docs:, ...), checked on pull requests and by `make commitlint`.
export default {
  extends: ["@commitlint/config-conventional"],
  rules: {
    "body-max-line-length": [1, "always", 100],
  },
};
