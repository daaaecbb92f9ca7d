# Two commands for a fresh machine: `make demo` and `make test` (README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export HUYING_VAR_DIR ?= $(CURDIR)/var

.PHONY: setup demo test test-sqlite test-postgres lint bench soak messages serve clean

$(STAMP): pyproject.toml
	@echo "==> 安装 Python 依赖（.venv）"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -q --upgrade pip
	@$(BIN)/pip install -q -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)
	@bash scripts/setup-system.sh
	@bash scripts/assets.sh
	@echo "==> 编译界面翻译"
	@cd huying && ../$(BIN)/huying compilemessages -v 0
	@echo "==> 迁移数据库（$(HUYING_VAR_DIR)）"
	@$(BIN)/huying migrate --noinput -v 0

demo: setup
	@$(BIN)/huying collectstatic --noinput -v 0
	@$(BIN)/huying demo seed
	@$(BIN)/huying routing train
	@$(BIN)/huying demo simulate
	@$(BIN)/huying demo logins
	@echo "==> 演示服务：http://127.0.0.1:8000/   （Ctrl+C 结束）"
	@trap 'kill 0' EXIT; $(BIN)/huying run_huey -w 1 >$(HUYING_VAR_DIR)/huey.log 2>&1 & \
	  HUYING_DEMO_LOGINS=1 $(BIN)/huying runserver 127.0.0.1:8000 --noreload

test: setup
	@bash scripts/test.sh

lint: $(STAMP)
	@$(BIN)/ruff check huying bench tests
	@$(BIN)/lint-imports

bench: setup
	@$(BIN)/python -c 'import locust' 2>/dev/null || $(BIN)/pip install -q -e ".[bench]"
	@$(BIN)/python -m bench $(BENCH_ROWS)

# The fault drill (README "故障演练"): kill -9 of processes and a PostgreSQL restart under load.
soak: setup
	@$(BIN)/python -m bench soak $(SOAK_ARGS)

messages: $(STAMP)
	@cd huying && ../$(BIN)/huying makemessages -l zh_Hans --no-obsolete -v 0 && ../$(BIN)/huying compilemessages -v 0

clean:
	rm -rf $(VENV) var
