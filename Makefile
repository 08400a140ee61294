# Offline first: every target here runs without AWS credentials or the Pulumi CLI.
#   make plan   [STACK=prod]  what `pulumi up` would create, its policy verdict and monthly cost
#   make plan   CHANGE='cpuArchitecture=X86_64'   what a config change does on the next `up`:
#               replacements, deployments, hazards (items separated by ';', JSON for lists;
#               CHANGE=app/ for an edit under app/); docs/changes.md has one per setting
#   make changes-doc          regenerate docs/changes.md
#   make config-block         regenerate Pulumi.yaml's config block from components/config/
#   make docs                 rewrite every figure README.md quotes (tools/docs/)
#   make plan-bench           make plan's time beside the import floor (issue 13: at most 2.0x)
#   make test                 lint, types, unit tests under mocks, policy pack, app, workflows
#   make test-bench           each part of make test timed (issue 12: unit at most 60 s)
STACK ?= dev
VENV ?= venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)

.PHONY: plan plan-bench graph policy cost compare cost-table changes-doc test lint typecheck unit clean

# The venv is (re)built when a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

graph: $(STAMP)
	$(PY) tools/plan.py --stack $(STACK) --quiet

# One process: the program, the policy gate (its pack starting meanwhile) and the cost line.
# CHANGE reaches the recipe through the environment (make exports command-line variables), so
# its quotes and spaces arrive as typed.
plan: $(STAMP)
ifdef CHANGE
	$(PY) tools/plan.py --stack $(STACK) --change "$$CHANGE"
else
	$(PY) tools/plan.py --stack $(STACK)
endif

# make plan's wall time beside the import floor (medians of RUNS warm runs; the README quotes it).
RUNS ?= 5
plan-bench: $(STAMP)
	@$(PY) tools/plan_bench.py --runs $(RUNS)

# Pulumi.yaml's config block from the setting declarations in components/config/ (and the
# bootstrap's); tests/tools/test_config_block.py fails when a committed block falls behind.
.PHONY: config-block
config-block: $(STAMP)
	$(PY) -m tools.settings

# What each config key's change does on the next `up` (tests/tools/test_day2_impact.py keeps it
# current).
changes-doc: $(STAMP)
	$(PY) tools/day2/impact.py --doc > docs/changes.md

policy: graph
	$(PY) tools/policy_gate.py --stack $(STACK)

cost: graph
	$(PY) -m tools.cost --stack $(STACK) $(if $(CHANGE),--change "$$CHANGE")

compare: graph
	$(PY) -m tools.cost --stack $(STACK) --compare

# The README's cost table on its own (`make docs` writes it into README.md).
cost-table: $(STAMP)
	@$(PY) tools/plan.py --stack dev --quiet >/dev/null
	@$(PY) tools/plan.py --stack prod --quiet >/dev/null
	@$(PY) -m tools.cost --stack dev --stack prod --portfolio --markdown

# Every figure README.md quotes, from the tools that compute it (tools/docs/): the cost table, the
# stacks' resource, alarm and policy-gate counts, the budget, the night schedule. Each sits in a
# `<!-- make docs: NAME -->` region; tests/docs/test_docs.py fails when one is stale.
.PHONY: docs
docs: $(STAMP)
	$(PY) -m tools.docs

# Refactor guard (tools/graph_guard.py): keep every graph the test suite renders, then compare.
#   make graph-baseline GRAPHS=/tmp/graphs   on the commit before a refactor
#   make graph-check    GRAPHS=/tmp/graphs   after each step: no difference, or a named fix
GRAPHS ?= build/graph-baseline
.PHONY: graph-baseline graph-check
graph-baseline: $(STAMP)
	$(PY) -m tools.graph_guard capture $(GRAPHS)

graph-check: $(STAMP)
	$(PY) -m tools.graph_guard check $(GRAPHS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/basedpyright

# Two worker processes (pytest-xdist); --dist loadfile keeps each test module in one worker, so
# its module fixtures (the change examples, the reachability baselines) render once. `pytest` by
# hand stays one process. make test-bench times this beside lint and typecheck.
TEST_WORKERS ?= 2
unit: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

test: lint typecheck unit

# Each part of `make test`, median of TEST_BENCH_RUNS warm runs (tools/test_bench.py; the README
# quotes it).
TEST_BENCH_RUNS ?= 3
.PHONY: test-bench
test-bench: $(STAMP)
	@$(PY) tools/test_bench.py --runs $(TEST_BENCH_RUNS)

clean:
	rm -rf build .pytest_cache .ruff_cache

# Mutation score of the modules that guard users (tools/mutate.py: the policy rules, config
# validation, SLO and alarm math, the bootstrap's IAM documents, the cost formulas): cosmic-ray in a
# temporary copy of the repository, one session per module; slow, so not part of `make test` or
# .ci/run (.github/workflows/mutate.yml runs it weekly). `make mutate MODULE=components/slo.py`
# runs one module, MODULES='a.py b.py' several.
.PHONY: mutate
mutate: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-mutate.txt
	$(PY) -m tools.mutate $(MODULE) $(MODULES)

# Read-only checks of the deployed stack (tools/verify/, docs/verify.md): needs the caller's AWS
# credentials, and the Pulumi CLI logged in to the stack's backend unless OUTPUTS=<file.json> holds
# its outputs (`pulumi stack output --json`). Exit 1 on any failed check, 2 when it cannot run.
.PHONY: verify
verify: $(STAMP)
	$(PY) -m tools.verify $(if $(OUTPUTS),--outputs "$(OUTPUTS)",--stack $(STACK))
