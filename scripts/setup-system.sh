#!/usr/bin/env bash
# Debian packages the project cannot do without, installed only when missing:
#   gettext         compiles the Chinese translations
#   chromium        the real browser the Playwright tests drive (never downloaded by Playwright)
#   fonts-noto-cjk  so Chinese text renders in the browser screenshots
#   postgresql-15-partman  pg_partman for `huying partition` and its tests (only where
#                   PostgreSQL 15 is installed; no preload or restart needed)
set -euo pipefail
missing=()
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto | grep -qi cjk || missing+=(fonts-noto-cjk)
if [ -d /usr/share/postgresql/15 ] && [ ! -f /usr/share/postgresql/15/extension/pg_partman.control ]; then
  missing+=(postgresql-15-partman)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> 安装系统软件包：${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  # Another apt (unattended upgrades, a second setup) may hold the lock: wait for it up to
  # five minutes per attempt, and retry a failed download three times.
  APT=($SUDO apt-get -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
  for attempt in 1 2 3; do
    if "${APT[@]}" update -qq && DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null; then
      exit 0
    fi
    echo "apt 第 ${attempt} 次失败（可能被其他 apt 进程占用），30 秒后重试……" >&2
    sleep 30
  done
  echo "无法安装 ${missing[*]}：请检查 apt（sudo apt-get install ${missing[*]}）后重试" >&2
  exit 1
fi
