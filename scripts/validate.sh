#!/usr/bin/env bash
# Validates the rule files for a pull request: the readable report goes to LOG_FILE (for the
# comment) and to the log; on failure each finding also becomes a workflow annotation on its
# line. Exits with validate's code (0 valid, 1 not).
#
# Usage: validate.sh TARGET LOG_FILE
set -uo pipefail

target="${1:?usage: validate.sh TARGET LOG_FILE}"
log="${2:?usage: validate.sh TARGET LOG_FILE}"
cli="${CONNECT_RULES:-connect-rules}"

"$cli" validate --target "$target" --color never >"$log" 2>&1
code=$?
cat "$log"

if [ "$code" -ne 0 ] && [ -n "${GITHUB_ACTIONS:-}" ]; then
  if "$cli" validate --help 2>/dev/null | grep -q -- '--format'; then
    "$cli" validate --target "$target" --format github || true
  else
    # A connect-rules without `validate --format github`: the same from its
    # `file:line:col: error: message` lines.
    sed -nE 's/^([^: ][^:]*):([0-9]+):([0-9]+): (error|warning): (.*)$/::\4 file=\1,line=\2,col=\3::\5/p' "$log"
  fi
fi
exit "$code"
