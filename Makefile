# The two commands of the README's quickstart, plus the pieces they are made of.
.PHONY: demo test browser-test fuzz setup build benchmarks journald install

## demo: the whole story on this machine: analyzer, 12 shop services, a logshipper per service, load,
## a memory leak in pricing exposed by a surge from recommendations, and the analyzer's diagnosis.
## Ctrl-C stops everything it started. Options: make demo DEMO_ARGS='--rate 20 --healthy-seconds 60'.
demo: setup
	swift build --product shop
	swift build --product analyzer
	swift build --product logshipper
	@# Ctrl-C ends the demo cleanly (the shop stops its processes and exits 130): not a make error.
	.build/debug/shop demo $(DEMO_ARGS) || { status=$$?; [ $$status -eq 130 ] || exit $$status; }

## test: install what the tests need, start journald, run the whole test suite, then the dashboard
## in a headless browser (screenshots in artifacts/screenshots/).
test: setup journald
	swift build --build-tests
	# One test at a time: many suites start real processes, threads that block (libcurl, fsync, journald)
	# and servers; run together on 2 cores they starve each other's HTTP deadlines. Serial takes ~2.5 min.
	swift test --skip-build --no-parallel
	$(MAKE) fuzz
	$(MAKE) browser-test

## fuzz: the libFuzzer targets in Fuzz/ (a release build with -sanitize=fuzzer, ~2 min the first time),
## each for FUZZ_SECONDS (default 60). A finding fails the target with the input saved in Fuzz/crash-*.
fuzz:
	Fuzz/run.sh $(or $(FUZZ_SECONDS),60)

## browser-test: the dashboard in headless Chromium against the built analyzer (needs `swift build`).
browser-test:
	python3 tests/browser/test_dashboard.py

setup:
	@scripts/setup.sh

journald:
	@scripts/start-journald.sh

## install: release builds of analyzer and logshipper into $(PREFIX)/bin (default /usr/local), the docs
## (which the systemd unit's Documentation= names) into $(PREFIX)/share/doc/swift-service-observability.
PREFIX ?= /usr/local
install: setup
	swift build -c release --product analyzer
	swift build -c release --product logshipper
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/swift-service-observability
	install -m 755 .build/release/analyzer .build/release/logshipper $(DESTDIR)$(PREFIX)/bin/
	cp -r .build/release/*.resources $(DESTDIR)$(PREFIX)/bin/
	cp -r README.md docs $(DESTDIR)$(PREFIX)/share/doc/swift-service-observability/

build: setup
	swift build

## benchmarks: the logging benchmark (release build, several minutes).
benchmarks: setup
	cd Benchmarks && ./compare.sh
