# kindling — the two commands of the README, and what they need.
#   make bootstrap   install what is missing, then bootstrap the default chain (amd64) in a VM per stage
#   make test        install what is missing, then run every test (both tiers, as CI does); ends with "N passed, N failed"
#   make test-fast   the fast tier only (npm test): Node and shell tools, no sandbox, no VM; seconds
#   make bench       benchmarks, printing ratios
#   make check-backends  every stage of the amd64 chain under bubblewrap and under qemu, outputs compared
#   make fuzz        cc against the host C compiler on thousands of random C programs (FUZZ_PROGRAMS, FUZZ_SEED),
#                    and on tens of thousands of wrong ones (ROBUST_PROGRAMS)

SHELL := /bin/bash
DEBIAN_PACKAGES := bubblewrap strace bzip2 qemu-system-x86 qemu-system-arm qemu-user-static e2fsprogs busybox-static ca-certificates chromium git tar util-linux python3-minimal nginx gcc libc6-dev binutils-aarch64-linux-gnu
# apt-get needs root; a user who is not root gets it through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
KINDLING := node bin/kindling.js

.PHONY: docs bootstrap test test-fast bench format check-backends fuzz lint screenshot deps debian-packages node-modules build kernel kernel-aarch64 binfmt clean

bootstrap: deps
	$(KINDLING) bootstrap

test: deps
	bash test/run-all.sh

# The tiers are declared in vitest.config.ts (FAST_TIER); this one needs no Debian package.
test-fast: node-modules
	npx vitest run --project fast

bench: deps
	node bench/run.mjs

# CI runs every stage under bubblewrap but only the qemu tier under qemu (test/support/backend-tiers.ts);
# this runs every stage under both and compares their outputs byte for byte. QEMU_STAGES=a,b for some.
QEMU_STAGES ?= all
check-backends: deps
	KINDLING_QEMU_STAGES=$(QEMU_STAGES) npx vitest run test/run/backend-equivalence.test.ts

# The differential test of cc (test/stages/cc.test.ts) on many more random programs than CI runs,
# and its robustness test (test/stages/cc-robust.test.ts) on many more wrong ones.
FUZZ_PROGRAMS ?= 5000
FUZZ_SEED ?= 1000000
ROBUST_PROGRAMS ?= 20000
fuzz: deps
	KINDLING_FUZZ_PROGRAMS=$(FUZZ_PROGRAMS) KINDLING_FUZZ_SEED=$(FUZZ_SEED) npx vitest run test/stages/cc.test.ts -t 'floating point arithmetic'
	KINDLING_ROBUST_PROGRAMS=$(ROBUST_PROGRAMS) KINDLING_ROBUST_SEED=$(FUZZ_SEED) npx vitest run test/stages/cc-robust.test.ts

deps: debian-packages node-modules build kernel kernel-aarch64 binfmt

debian-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

node-modules: node_modules/.package-lock.json

# A node_modules that is a symbolic link is an install shared with other checkouts: npm ci would
# empty it for all of them, so it is left as it is.
node_modules/.package-lock.json: package.json package-lock.json
	@if [ -L node_modules ]; then echo "node_modules links to a shared install: not reinstalled here"; \
	else npm ci --no-audit --no-fund && touch $@; fi

build: node-modules
	npx tsc -p tsconfig.json

# The guest kernel for the qemu backend: Debian's cloud kernel, fetched once with apt-get download.
kernel: build
	@$(KINDLING) kernel show >/dev/null 2>&1 || $(KINDLING) kernel fetch

# The aarch64 chain's guest kernel: Debian's arm64 cloud kernel. apt lists another architecture's
# packages only once dpkg has been told of it.
kernel-aarch64: build
	@$(KINDLING) kernel show --arch aarch64 >/dev/null 2>&1 || { \
	  dpkg --print-foreign-architectures | grep -qx arm64 || { $(SUDO) dpkg --add-architecture arm64 && $(SUDO) apt-get update -qq; }; \
	  $(KINDLING) kernel fetch --arch aarch64; }

# bubblewrap runs the aarch64 chain's programs through qemu-user: the kernel hands them to
# qemu-aarch64-static by the binfmt_misc entry of qemu-user-static, registered with its F flag
# (the emulator is opened once, here, so no stage root has to hold it).
BINFMT_MISC := /proc/sys/fs/binfmt_misc
binfmt: debian-packages
	@[ "$$(uname -m)" = aarch64 ] || [ -e $(BINFMT_MISC)/qemu-aarch64 ] || { \
	  [ -e $(BINFMT_MISC)/register ] || $(SUDO) mount -t binfmt_misc binfmt_misc $(BINFMT_MISC); \
	  grep -v '^#' /usr/lib/binfmt.d/qemu-aarch64.conf | $(SUDO) tee $(BINFMT_MISC)/register >/dev/null; }

clean:
	rm -rf dist .kindling

lint: node-modules
	npx eslint .
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p test/tsconfig.json
	npx prettier --check .  # what .prettierignore leaves out is laid out by hand

format: node-modules
	npx prettier --write .

# Refreshes the audit report picture shown in the README (make it after the chain changes).
screenshot: deps
	KINDLING_REFRESH_SCREENSHOT=1 npx vitest run test/audit/html-report.test.ts

# Rewrites the manifest reference in schema/README.md from the JSON Schemas (a test checks it is current).
docs:
	@node -e "const fs=require('fs');const f='schema/README.md';const t=fs.readFileSync(f,'utf8');import('./schema/reference.mjs').then(({reference})=>{const a=t.indexOf('-->\\n',t.indexOf('<!-- reference:'))+4;const b=t.indexOf('<!-- end of reference -->');fs.writeFileSync(f,t.slice(0,a)+reference()+t.slice(b));})"
