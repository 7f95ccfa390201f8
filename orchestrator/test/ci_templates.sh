#!/usr/bin/env bash
# The CI templates in ci/ are real, valid files: the GitHub Actions workflow
# passes action-validator (SchemaStore's workflow schema), the GitLab job
# passes GitLab's own CI schema (vendored in ci/schemas/) through ajv-cli, and
# both pass yamllint. Broken copies must be rejected (the validators really
# check). The tools come from scripts/bootstrap (npm, Debian); without them
# this test is SKIPPED, loudly.
# Usage: ci_templates.sh SOURCE_DIR
. "$(dirname "$0")/common.sh"
top=$1
missing=()
for tool in action-validator ajv yamllint; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "************************************************************************" >&2
  echo "SKIP: CI template validators missing: ${missing[*]}" >&2
  echo "      run scripts/bootstrap (npm: @action-validator/cli ajv-cli ajv-formats;" >&2
  echo "      Debian: yamllint). The templates in ci/ are NOT validated." >&2
  echo "************************************************************************" >&2
  exit 125
fi
gh=$top/ci/github/kbench.yml
gl=$top/ci/gitlab/kbench.gitlab-ci.yml
schema=$top/ci/schemas/gitlab-ci.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

validate_github() { action-validator "$1"; }
validate_gitlab() { ajv validate -s "$schema" -d "$1" --spec=draft7 --strict=false -c ajv-formats; }

expect_exit 0 validate_github "$gh"
expect_exit 0 validate_gitlab "$gl"
expect_output 'valid'
expect_exit 0 yamllint -c "$top/ci/.yamllint" "$gh" "$gl"

# Negative cases: each validator rejects a broken template.
sed 's/^    runs-on: .*$//' "$gh" >"$tmp/no-runs-on.yml"
expect_exit 1 validate_github "$tmp/no-runs-on.yml"
expect_output 'runs-on'
sed 's/^  when: always$//; s/^    when: always$/    when: sometimes/' "$gl" >"$tmp/bad-when.gitlab-ci.yml"
grep -q 'when: sometimes' "$tmp/bad-when.gitlab-ci.yml" || fail "the negative GitLab case did not apply"
expect_exit 1 validate_gitlab "$tmp/bad-when.gitlab-ci.yml"
expect_output 'must be equal to one of the allowed values'
printf 'kbench:\n  script: ["true"]\n  artifacts:\n    paths: kbench-results\n' >"$tmp/bad-paths.gitlab-ci.yml"
expect_exit 1 validate_gitlab "$tmp/bad-paths.gitlab-ci.yml"
expect_output "/kbench/artifacts/paths"
printf 'jobs:\n  a:\n    runs-on: x\n   steps: []\n' >"$tmp/bad-indent.yml"
expect_exit 1 yamllint -c "$top/ci/.yamllint" "$tmp/bad-indent.yml"
echo "PASS"
