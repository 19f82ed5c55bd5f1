#!/bin/sh
# Browser tests drive Debian's Chromium. Install it when it is missing and apt-get may be used (root);
# otherwise say how, and the browser tests will report themselves skipped (CI requires them).
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "note: Chromium is not installed; browser tests will be skipped (sudo apt-get install chromium)"
fi
