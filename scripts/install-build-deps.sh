#!/usr/bin/env bash
# Debian packages the container-build test needs: buildah (builds the image
# daemonless, vfs storage + chroot isolation, no engine required) and
# debootstrap (makes the local base image's root file system, since no image
# registry is reachable from the test machines). Idempotent: does nothing
# when both are on PATH. Never fails the test run: without them the
# image-build test is skipped with its reason.
set -euo pipefail
missing=()
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-build-deps: ${missing[*]} missing and apt-get is not usable here (not root or not Debian); the image-build test will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
  echo "install-build-deps: apt-get could not install ${missing[*]}; the image-build test will be skipped" >&2
  exit 0
fi
echo "install-build-deps: installed ${missing[*]}"
