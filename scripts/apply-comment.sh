#!/usr/bin/env bash
# Writes the body of the comment that the apply workflow posts on the merged pull request: what
# happened to the plan the approvers read (applied, failed, nothing to do, not approved), the
# plan itself and apply's output. Posted with upsert-comment.sh, so a re-run updates it.
#
# Environment (the apply workflow sets these from its jobs):
#   HEAD_SHA        the merge commit (required)
#   TARGET          the target applied to (required)
#   COMMIT_URL      a link to that commit (optional)
#   RUN_URL         a link to the workflow run (optional)
#   PLAN_RESULT     the plan job's result: `success`, `failure`, `cancelled`
#   CHANGES         `true` when the plan had changes, `false` when there was nothing to do
#   APPLY_RESULT    the apply job's result: `success`, `failure`, `cancelled`, `skipped`
#   PLAN_MARKDOWN   a file with the markdown plan (optional)
#   APPLY_LOG       a file with apply's output (optional)
#   MARKER          the hidden marker (default `<!-- connect-rules-apply -->`)
set -euo pipefail

marker="${MARKER:-<!-- connect-rules-apply -->}"
head_sha="${HEAD_SHA:?HEAD_SHA is not set: give the merge commit}"
target="${TARGET:?TARGET is not set}"
short="${head_sha:0:7}"
log_limit=20000

echo "$marker"
commit="\`$short\`"
[ -z "${COMMIT_URL:-}" ] || commit="[\`$short\`]($COMMIT_URL)"
run=""
[ -z "${RUN_URL:-}" ] || run=" · [workflow run]($RUN_URL)"
echo "**connect-rules apply** of commit $commit to \`$target\`$run"
echo

case "${PLAN_RESULT:-}/${CHANGES:-}/${APPLY_RESULT:-skipped}" in
  success/false/*) echo "### ✅ Nothing to apply: \`$target\` already matches the rule files" ;;
  success/true/success) echo "### ✅ Applied the reviewed plan to \`$target\`" ;;
  success/true/failure)
    echo "### ❌ The apply failed"
    echo
    echo "Some changes may have been applied; the output below lists each rule's outcome. Fix the"
    echo "cause and re-run the workflow (apply finishes what is left), or run \`connect-rules plan\`."
    ;;
  success/true/cancelled | success/true/skipped)
    echo "### ⏸ Not applied"
    echo
    echo "The apply job did not run to the end (\`${APPLY_RESULT:-skipped}\`): not approved in the"
    echo "\`production\` environment, or cancelled. Nothing was changed by this run."
    ;;
  *)
    echo "### ❌ The plan failed"
    echo
    echo "No plan was made, so nothing was applied (plan: \`${PLAN_RESULT:-unknown}\`); see the workflow run."
    ;;
esac

if [ -s "${PLAN_MARKDOWN:-/dev/null}" ] && [ "${CHANGES:-}" = "true" ]; then
  echo
  echo "<details><summary>The plan the approvers read</summary>"
  echo
  cat "$PLAN_MARKDOWN"
  echo
  echo "</details>"
fi

if [ -s "${APPLY_LOG:-/dev/null}" ]; then
  echo
  echo "<details><summary>apply's output</summary>"
  echo
  echo '```text'
  # shellcheck disable=SC2016,SC1003 # backticks and `$a\` are sed text, not shell
  {
    head -c "$log_limit" "$APPLY_LOG"
    [ "$(wc -c <"$APPLY_LOG")" -le "$log_limit" ] || printf '\n… (cut: the whole log is in the workflow run)'
  } | sed -e 's/^```/` ``/' -e '$a\'
  echo '```'
  echo
  echo "</details>"
fi
