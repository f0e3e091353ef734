#!/usr/bin/env bash
# Keeps one GitHub issue per target for drift, found by a hidden marker (not a label, which
# anyone can remove): opened when drift appears, commented on when the drift changes (so the
# people watching are notified), closed when the instance matches the rule files again.
#
# Usage: drift-issue.sh TARGET EXIT_CODE REPORT_FILE
#   EXIT_CODE is `connect-rules drift`'s: 0 in sync, 2 drift (1, an error, changes nothing).
#   REPORT_FILE holds `connect-rules drift --format markdown`'s output.
# Environment:
#   GH_TOKEN / GITHUB_TOKEN  a token with `issues: write`
#   GITHUB_REPOSITORY        owner/name
#   RUN_URL                  a link to the workflow run (optional)
#   GH                       the GitHub CLI to run (default `gh`; tests give a recorder)
set -euo pipefail

target="${1:?usage: drift-issue.sh TARGET EXIT_CODE REPORT_FILE}"
code="${2:?usage: drift-issue.sh TARGET EXIT_CODE REPORT_FILE}"
report="${3:?usage: drift-issue.sh TARGET EXIT_CODE REPORT_FILE}"
repository="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
gh="${GH:-gh}"
marker="<!-- connect-rules-drift target=$target -->"
run=""
[ -z "${RUN_URL:-}" ] || run=" ([workflow run]($RUN_URL))"

case "$code" in
  0 | 2) ;;
  *)
    echo "error: drift exited $code (an error, not a result); the issue is left as it is" >&2
    exit 1
    ;;
esac

# The drift's fingerprint, kept in the issue body: a new comment only when the drift changes.
if [ "$code" = 2 ]; then
  if command -v sha256sum >/dev/null 2>&1; then
    digest="$(sha256sum "$report" | cut -c1-16)"
  else
    digest="$(shasum -a 256 "$report" | cut -c1-16)"
  fi
fi

# The open issue whose body starts with this target's marker (pull requests excluded).
issue="$("$gh" api --paginate "repos/$repository/issues?state=open&per_page=100" \
  --jq ".[] | select(.pull_request == null) | select(.body != null and (.body | startswith(\"$marker\"))) | \"\(.number) \((.body | capture(\"digest=(?<d>[0-9a-f]+)\") | .d) // \"none\")\"" |
  head -n 1)"
number="${issue%% *}"
previous="${issue#* }"

body() {
  printf '%s\n<!-- digest=%s -->\n' "$marker" "$digest"
  # shellcheck disable=SC2016 # backticks are markdown
  printf 'The instance behind target `%s` differs from the rule files on the default branch%s.\n' "$target" "$run"
  printf 'Each run that sees different drift comments below; this issue closes itself when the\n'
  printf 'instance matches again (after an apply, or after the change is undone or adopted).\n\n'
  cat "$report"
}

send() {
  # send METHOD PATH JSON
  "$gh" api --method "$1" "repos/$repository/$2" --input - <<<"$3" >/dev/null
}

if [ "$code" = 0 ]; then
  if [ -z "$number" ]; then
    echo "in sync; no drift issue is open for $target"
    exit 0
  fi
  send POST "issues/$number/comments" \
    "$(jq -n --arg body "The instance matches the rule files again$run. Closing." '{body: $body}')"
  send PATCH "issues/$number" '{"state": "closed", "state_reason": "completed"}'
  echo "in sync; closed drift issue #$number for $target"
  exit 0
fi

if [ -z "$number" ]; then
  send POST "issues" "$(body | jq --raw-input --slurp --arg title "Amazon Connect rules drifted from git: $target" \
    '{title: $title, body: .}')"
  echo "opened a drift issue for $target"
elif [ "$previous" = "$digest" ]; then
  echo "the drift on $target is unchanged since #$number was last updated; nothing to do"
else
  send POST "issues/$number/comments" \
    "$(jq --raw-input --slurp --arg lead "The drift changed$run:" '{body: ($lead + "\n\n" + .)}' <"$report")"
  send PATCH "issues/$number" "$(body | jq --raw-input --slurp '{body: .}')"
  echo "the drift on $target changed; commented on #$number"
fi
