#!/usr/bin/env bash
# Debian packages the unit tests need: python3-sklearn (with numpy, pandas)
# as the reference the built-in models and metrics are checked against, and
# python3-psutil for the Python helper's psutil reader of system metrics.
# Idempotent; does nothing when they are already importable.
set -euo pipefail
if /usr/bin/python3 -c 'import sklearn, pandas, psutil' 2>/dev/null; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-test-deps: python3-sklearn, python3-pandas or python3-psutil is missing and apt-get is not usable here; the parity tests will fail (and the psutil reader test is skipped)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-sklearn python3-pandas python3-psutil >/dev/null
echo "install-test-deps: installed python3-sklearn, python3-pandas, python3-psutil"
