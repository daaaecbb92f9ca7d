#!/usr/bin/env bash
# The whole suite on SQLite, then on PostgreSQL. With HUYING_REQUIRE_POSTGRES=1 an
# unreachable PostgreSQL is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${HUYING_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/huying}
WORKERS=${HUYING_TEST_WORKERS:-2}

echo "==> ruff"
$BIN/ruff check huying bench tests

echo "==> import-linter（分层，docs/architecture.md）"
$BIN/lint-imports

echo "==> 测试：SQLite"
env -u DATABASE_URL $BIN/pytest -n "$WORKERS" -p no:cacheprovider -o addopts="--strict-markers" "$@"

pg_up() { $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg, dj_database_url
c = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=c["HOST"], port=c["PORT"] or 5432, user=c["USER"], dbname="postgres",
                    password=c["PASSWORD"] or None, connect_timeout=3).close()
except Exception as exc:
    print(exc, file=sys.stderr); sys.exit(1)
PY
}

if ! pg_up 2>/dev/null && [ "${HUYING_REQUIRE_POSTGRES:-0}" = 1 ] && command -v pg_ctlcluster >/dev/null; then
  echo "==> PostgreSQL 未运行，尝试启动"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  sleep 2
fi
if pg_up; then
  echo "==> 测试：PostgreSQL"
  DATABASE_URL=$PG_URL $BIN/pytest -n "$WORKERS" -p no:cacheprovider -o addopts="--strict-markers" "$@"
elif [ "${HUYING_REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "PostgreSQL 不可达（$PG_URL），HUYING_REQUIRE_POSTGRES=1 要求必须测试 PostgreSQL" >&2
  exit 1
else
  echo "==> 跳过 PostgreSQL：$PG_URL 不可达"
fi
