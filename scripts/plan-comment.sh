#!/usr/bin/env bash
# Writes the body of the pull request's connect-rules comment to stdout: the hidden marker that
# finds it again, the head commit, then the plan, or the validation errors, or why there is no
# plan. The plan workflow posts it with upsert-comment.sh on every run, whatever happened, so the
# comment never shows an older commit's plan as if it were current.
#
# Environment (the plan workflow sets these from its steps):
#   HEAD_SHA           the pull request's head commit (required)
#   COMMIT_URL         a link to that commit (optional)
#   RUN_URL            a link to the workflow run (optional)
#   FORK               `true` when the pull request comes from a fork: validate only
#   VALIDATE_OUTCOME   `success` or `failure` (the validate step's outcome)
#   VALIDATE_LOG       a file with validate's output (`file:line:col: error: ...` lines)
#   PLAN_OUTCOME       `success`, `failure` or `skipped` (the plan step's outcome)
#   PLAN_MARKDOWN      a file with `connect-rules plan --format markdown`'s output
#   PLAN_LOG           a file with plan's diagnostics (its stderr)
#   MARKER             the hidden marker (default `<!-- connect-rules-plan -->`)
set -euo pipefail

marker="${MARKER:-<!-- connect-rules-plan -->}"
head_sha="${HEAD_SHA:?HEAD_SHA is not set: give the pull request head commit}"
short="${head_sha:0:7}"
# GitHub refuses comments over 65536 characters; a log is cut well below that.
log_limit=20000

# Prints a file as a fenced block, cut to $log_limit bytes, with any fence in it defused.
fenced() {
  local file="$1"
  echo '```text'
  if [ -s "$file" ]; then
    # shellcheck disable=SC2016,SC1003 # backticks and `$a\` are sed text, not shell
    {
      head -c "$log_limit" "$file"
      [ "$(wc -c <"$file")" -le "$log_limit" ] || printf '\n… (cut: the whole log is in the workflow run)'
    } | sed -e 's/^```/` ``/' -e '$a\'
  else
    echo "(no output)"
  fi
  echo '```'
}

echo "$marker"
if [ -n "${COMMIT_URL:-}" ]; then
  commit="[\`$short\`]($COMMIT_URL)"
else
  commit="\`$short\`"
fi
run=""
[ -z "${RUN_URL:-}" ] || run=" · [workflow run]($RUN_URL)"
echo "**connect-rules** for commit $commit$run"
echo

validate_outcome="${VALIDATE_OUTCOME:-skipped}"
if [ "$validate_outcome" = "failure" ]; then
  echo "### ❌ The rule files are not valid"
  echo
  echo "No plan was made. Fix these and push again (\`connect-rules validate\` shows the same locally):"
  echo
  fenced "${VALIDATE_LOG:-/dev/null}"
elif [ "$validate_outcome" != "success" ]; then
  echo "### ⚠️ Not validated"
  echo
  echo "The validate step did not run (\`$validate_outcome\`): setting up connect-rules failed, or"
  echo "the run was cut short. See the workflow run."
elif [ "${FORK:-false}" = "true" ]; then
  echo "### ✅ The rule files are valid"
  echo
  echo "> **Validate only: no plan.** This pull request comes from a fork, and GitHub gives"
  echo "> workflows on fork pull requests no access to the repository's secrets or its AWS role"
  echo "> (no OIDC token), so the instance could not be read. A maintainer can push the branch to"
  echo "> this repository to get the plan, or run \`connect-rules plan\` locally."
else
  case "${PLAN_OUTCOME:-skipped}" in
    success)
      if [ -s "${PLAN_MARKDOWN:-/dev/null}" ]; then
        cat "$PLAN_MARKDOWN"
      else
        echo "### ❌ The plan is empty"
        echo
        echo "\`connect-rules plan\` succeeded but wrote nothing; see the workflow run."
      fi
      ;;
    failure)
      echo "### ❌ The plan failed"
      echo
      echo "The rule files are valid, but the plan could not be made:"
      echo
      fenced "${PLAN_LOG:-/dev/null}"
      ;;
    *)
      echo "### ⚠️ No plan"
      echo
      echo "The plan step did not run (\`${PLAN_OUTCOME:-skipped}\`); see the workflow run."
      ;;
  esac
fi
