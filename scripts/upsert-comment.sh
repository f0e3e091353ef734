#!/usr/bin/env bash
# Posts a comment on a pull request or issue, or updates the one that starts with the marker:
# one comment per pull request, always the latest. Uses the GitHub CLI and jq (both on every
# hosted runner).
#
# Usage: upsert-comment.sh NUMBER BODY_FILE
# Environment:
#   GH_TOKEN / GITHUB_TOKEN  a token with `pull-requests: write` (or `issues: write`)
#   GITHUB_REPOSITORY        owner/name
#   MARKER                   the hidden marker the body starts with (default
#                            `<!-- connect-rules-plan -->`)
#   GH                       the GitHub CLI to run (default `gh`; tests give a recorder)
set -euo pipefail

number="${1:?usage: upsert-comment.sh NUMBER BODY_FILE}"
body_file="${2:?usage: upsert-comment.sh NUMBER BODY_FILE}"
marker="${MARKER:-<!-- connect-rules-plan -->}"
repository="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
gh="${GH:-gh}"

case "$number" in
  '' | *[!0-9]*)
    echo "error: \`$number\` is not a pull request number" >&2
    exit 1
    ;;
esac
if ! head -n 1 "$body_file" | grep -qF -- "$marker"; then
  echo "error: \`$body_file\` does not start with the marker \`$marker\`" >&2
  echo "hint: write the body with plan-comment.sh, which puts the marker first" >&2
  exit 1
fi

# The first comment whose body starts with the marker; every page, oldest first.
existing="$("$gh" api --paginate "repos/$repository/issues/$number/comments?per_page=100" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)"

payload="$(jq --raw-input --slurp '{body: .}' <"$body_file")"
if [ -n "$existing" ]; then
  "$gh" api --method PATCH "repos/$repository/issues/comments/$existing" --input - <<<"$payload" >/dev/null
  echo "updated comment $existing on #$number"
else
  "$gh" api --method POST "repos/$repository/issues/$number/comments" --input - <<<"$payload" >/dev/null
  echo "commented on #$number"
fi
