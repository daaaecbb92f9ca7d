#!/usr/bin/env bash
# Debian packages the project cannot do without, installed only when missing:
#   gettext         compiles the Chinese translations
#   chromium        the real browser the Playwright tests drive (never downloaded by Playwright)
#   fonts-noto-cjk  so Chinese text renders in the browser screenshots
set -euo pipefail
missing=()
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -qi cjk || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> 安装系统软件包：${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
