#!/usr/bin/env bash
# Installs a connect-rules release binary for this machine: downloads the archive that
# `dist` built for the runner's OS and architecture, checks it against its published SHA-256,
# unpacks it into a per-version folder and puts that folder on PATH. A second run with the
# same version and folder downloads nothing.
#
# Used by the setup action (action.yml); runs anywhere bash, curl and tar (unzip on Windows) do.
#
# Environment:
#   CONNECT_RULES_VERSION      the release, `0.2.0` or `v0.2.0` (required)
#   CONNECT_RULES_REPOSITORY   owner/name of the repository that publishes the releases
#   CONNECT_RULES_BASE_URL     where the release folders are; default
#                              https://github.com/$CONNECT_RULES_REPOSITORY/releases/download
#                              (tests point it at 127.0.0.1)
#   CONNECT_RULES_INSTALL_DIR  the cache folder; default $RUNNER_TOOL_CACHE/connect-rules or
#                              ~/.cache/connect-rules
#   CONNECT_RULES_TARGET       the Rust target triple to install, instead of this machine's
#
# Exit codes: 0 installed (or already there), 1 failed (download, checksum, unpacking),
# 4 no release asset for this version and platform (the action then builds from source).
set -euo pipefail

readonly NO_RELEASE=4

fail() {
  echo "error: $1" >&2
  if [ -n "${2:-}" ]; then echo "hint: $2" >&2; fi
  exit "${3:-1}"
}

version="${CONNECT_RULES_VERSION:-}"
[ -n "$version" ] || fail "CONNECT_RULES_VERSION is not set" \
  "give the release to install, e.g. CONNECT_RULES_VERSION=0.2.0 (the action's \`version\` input)"
case "$version" in
  v[0-9]*) tag="$version" ;;
  [0-9]*) tag="v$version" ;;
  *) fail "\`$version\` is not a release version" "use a version such as 0.2.0 or v0.2.0" ;;
esac

# The archive names are the ones dist gives: connect-rules-<target>.tar.gz (.zip on Windows).
target_triple() {
  local os arch
  os="$(uname -s)"
  arch="$(uname -m)"
  case "$os/$arch" in
    Linux/x86_64 | Linux/amd64) echo x86_64-unknown-linux-musl ;;
    Linux/aarch64 | Linux/arm64) echo aarch64-unknown-linux-musl ;;
    Darwin/x86_64) echo x86_64-apple-darwin ;;
    Darwin/arm64 | Darwin/aarch64) echo aarch64-apple-darwin ;;
    MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64 | Windows_NT/*) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

target="${CONNECT_RULES_TARGET:-}"
if [ -z "$target" ]; then
  target="$(target_triple)" || fail "there is no connect-rules release for $(uname -s) $(uname -m)" \
    "releases are built for Linux and macOS (x86_64, arm64) and Windows (x86_64); build from source with cargo install" \
    "$NO_RELEASE"
fi
case "$target" in
  *-windows-*) archive_ext=".zip" exe=".exe" ;;
  *) archive_ext=".tar.gz" exe="" ;;
esac
if [ "${1:-}" = "--print-target" ]; then
  echo "$target"
  exit 0
fi

repository="${CONNECT_RULES_REPOSITORY:-}"
base_url="${CONNECT_RULES_BASE_URL:-}"
if [ -z "$base_url" ]; then
  [ -n "$repository" ] || fail "neither CONNECT_RULES_BASE_URL nor CONNECT_RULES_REPOSITORY is set" \
    "set CONNECT_RULES_REPOSITORY=owner/connect-rules"
  base_url="https://github.com/$repository/releases/download"
fi
cache_root="${CONNECT_RULES_INSTALL_DIR:-${RUNNER_TOOL_CACHE:-$HOME/.cache}/connect-rules}"
install_dir="$cache_root/$tag/$target"
binary="$install_dir/connect-rules$exe"

publish() {
  # Tell the workflow where the tool is; outside Actions, tell the person.
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$install_dir" >>"$GITHUB_PATH"
  fi
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
      echo "path=$binary"
      echo "target=$target"
      echo "cache-hit=$1"
    } >>"$GITHUB_OUTPUT"
  fi
  echo "$("$binary" --version) is at $binary"
}

# The marker is written last, so a folder without it (an interrupted install) is redone.
if [ -x "$binary" ] && [ -f "$install_dir/.installed" ]; then
  echo "cache hit: connect-rules $tag for $target is already in $install_dir"
  publish true
  exit 0
fi

archive="connect-rules-$target$archive_ext"
url="$base_url/$tag/$archive"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Prints the HTTP status (000 when there was no answer); the body goes to $2.
download() {
  curl --silent --show-error --location --retry 3 --retry-delay 1 --connect-timeout 20 \
    --output "$2" --write-out '%{http_code}' "$1" 2>"$work/curl.err" || true
}

echo "downloading $url"
status="$(download "$url" "$work/$archive")"
case "$status" in
  200) ;;
  404) fail "connect-rules $tag has no release asset \`$archive\` (HTTP 404 from $url)" \
    "check that the release $tag exists and was built for $target; the action falls back to building from source" \
    "$NO_RELEASE" ;;
  000) fail "could not download $url: $(cat "$work/curl.err")" "check the network or CONNECT_RULES_BASE_URL" ;;
  *) fail "could not download $url: HTTP $status" "retry later, or check CONNECT_RULES_BASE_URL" ;;
esac

status="$(download "$url.sha256" "$work/$archive.sha256")"
case "$status" in
  200) ;;
  404) fail "connect-rules $tag has no checksum \`$archive.sha256\` (HTTP 404 from $url.sha256)" \
    "a release without a checksum is not installed; check the release's assets" ;;
  *) fail "could not download $url.sha256: HTTP $status" "retry later, or check CONNECT_RULES_BASE_URL" ;;
esac

expected="$(tr -d '\r' <"$work/$archive.sha256" | awk 'NR == 1 { print tolower($1) }')"
if command -v sha256sum >/dev/null 2>&1; then
  actual="$(sha256sum "$work/$archive" | awk '{ print $1 }')"
else
  actual="$(shasum -a 256 "$work/$archive" | awk '{ print $1 }')"
fi
if [ "$expected" != "$actual" ]; then
  fail "checksum mismatch for \`$archive\`: the release says sha256 $expected, the download is $actual" \
    "nothing was installed; the asset or its .sha256 file changed after the release was published, or the download was altered: do not use it, report it to the maintainers"
fi
echo "sha256 $actual verified"

mkdir -p "$work/unpacked"
case "$archive_ext" in
  .zip) unzip -q "$work/$archive" -d "$work/unpacked" ;;
  *) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
esac
unpacked="$work/unpacked/connect-rules-$target/connect-rules$exe"
[ -f "$unpacked" ] || fail "\`$archive\` holds no \`connect-rules-$target/connect-rules$exe\`" \
  "the release's archive layout is not the one dist makes; report it to the maintainers"

# Unpack beside the final folder and rename, so a reader never sees half a binary.
mkdir -p "$cache_root/$tag"
staging="$(mktemp -d "$cache_root/$tag/.staging.XXXXXX")"
cp "$unpacked" "$staging/connect-rules$exe"
chmod +x "$staging/connect-rules$exe"
"$staging/connect-rules$exe" --version >/dev/null ||
  fail "the downloaded connect-rules$exe does not run on this machine ($target)" \
    "set CONNECT_RULES_TARGET if the detected platform is wrong"
touch "$staging/.installed"
rm -rf "$install_dir"
mv "$staging" "$install_dir"
echo "installed connect-rules $tag for $target into $install_dir"
publish false
