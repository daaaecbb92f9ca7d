#!/usr/bin/env bash
# Install the front-end packages from npm (package.json + package-lock.json) and copy the
# files the pages use into huying/web/static/vendor, which whitenoise serves. Nothing is
# fetched from the internet at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=huying/web/static/vendor
if [ ! -f "$VENDOR/.stamp" ] || [ package-lock.json -nt "$VENDOR/.stamp" ]; then
  echo "==> 安装前端依赖（npm）"
  npm ci --no-audit --no-fund --loglevel=error
  rm -rf "$VENDOR"
  mkdir -p "$VENDOR"/{bootstrap,bootstrap-icons,htmx,leaflet,echarts}
  cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$VENDOR/bootstrap/"
  cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$VENDOR/bootstrap-icons/"
  cp -r node_modules/bootstrap-icons/font/fonts "$VENDOR/bootstrap-icons/"
  cp node_modules/htmx.org/dist/htmx.min.js "$VENDOR/htmx/"
  cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$VENDOR/leaflet/"
  cp -r node_modules/leaflet/dist/images "$VENDOR/leaflet/"
  cp node_modules/echarts/dist/echarts.min.js "$VENDOR/echarts/"
  touch "$VENDOR/.stamp"
fi
