# hao — build, run, test, benchmark. See README.md.
#   make run    install what is missing, build, serve on 127.0.0.1:8080 with ./data
#   make test   install what is missing, build, run every test (also under ASan+UBSan)
#   make bench  side-by-side benchmarks (hao vs nginx static vs WordPress)

CC      ?= cc
PKGS    := libh2o-evloop md4c sqlite3 libpq libcurl libsodium jansson openssl icu-uc icu-i18n opencc liboath libqrencode libcbor libseccomp libarchive libxml-2.0
# The media plugin's libraries: linked into build/media-plugin.so only, which
# is embedded in hao and loaded by its media helper process (src/media/helper.h),
# never by the server itself.
MEDIA_PKGS := vips libmagic libavformat libavcodec libavutil libswscale exempi-2.0 jansson
CSTD    := -std=c17 -D_GNU_SOURCE -DH2O_USE_LIBUV=0
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
MEDIA_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Isrc $(shell pkg-config --cflags $(MEDIA_PKGS) 2>/dev/null)
MEDIA_LIBS   = $(shell pkg-config --libs $(MEDIA_PKGS) 2>/dev/null)

PLUGIN_SRC := src/media/process.c
# hao's own code the plugin links a private copy of (hidden inside it).
PLUGIN_CORE := src/core/alloc.c
SRC     := $(filter-out $(PLUGIN_SRC),$(sort $(wildcard src/*/*.c src/*/*/*.c)))
HDR     := $(wildcard src/*/*.h src/*/*/*.h)
MAIN    := src/main.c
OBJ     := $(SRC:src/%.c=build/obj/%.o) build/obj/media/plugin_blob.o build/obj/site/assets/assets.o
ASAN_OBJ:= $(SRC:src/%.c=build/asan/%.o) build/asan/media/plugin_blob.o build/asan/site/assets/assets.o
UNIT    := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN:= $(UNIT:tests/unit/%.c=build/tests/%)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# ThreadSanitizer: the server's threads (loops, pool, senders) on the HTTP
# tests of the threaded paths (scripts/test.sh). No media plugin: the helper's
# address-space limit leaves TSan no room, so those tests stay out of that pass.
TSAN    := -fsanitize=thread -fno-omit-frame-pointer
TSAN_OBJ:= $(SRC:src/%.c=build/tsan/%.o) build/obj/media/plugin_blob.o build/obj/site/assets/assets.o

.PHONY: all deps run test test-unit test-http bench clean clang-check
all: build/hao

deps:
	@scripts/deps.sh build

build/obj/%.o: src/%.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/asan/%.o: src/%.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c $< -o $@

build/tsan/%.o: src/%.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 $(TSAN) -c $< -o $@

# The media plugin: a shared object of its own, with only its entry table
# visible, embedded in the binary by plugin_blob.S (.incbin).
build/media-plugin.so: $(PLUGIN_SRC) $(PLUGIN_CORE) src/media/process.h src/core/alloc.h
	@mkdir -p build
	$(CC) $(MEDIA_CFLAGS) -fPIC -fvisibility=hidden -shared -Wl,-Bsymbolic -Wl,-z,defs $(PLUGIN_SRC) $(PLUGIN_CORE) $(MEDIA_LIBS) -o $@

build/asan/media-plugin.so: $(PLUGIN_SRC) $(PLUGIN_CORE) src/media/process.h src/core/alloc.h
	@mkdir -p build/asan
	$(CC) $(MEDIA_CFLAGS) -O1 $(SAN) -fPIC -fvisibility=hidden -shared -Wl,-Bsymbolic $(PLUGIN_SRC) $(PLUGIN_CORE) $(MEDIA_LIBS) -o $@

build/obj/media/plugin_blob.o: src/media/plugin_blob.S build/media-plugin.so
	@mkdir -p $(dir $@)
	$(CC) -c -DHAO_MEDIA_PLUGIN='"build/media-plugin.so"' $< -o $@

build/asan/media/plugin_blob.o: src/media/plugin_blob.S build/asan/media-plugin.so
	@mkdir -p $(dir $@)
	$(CC) -c -DHAO_MEDIA_PLUGIN='"build/asan/media-plugin.so"' $< -o $@

# The stylesheet and the studio script, embedded by assets.S (.incbin). Their
# URLs carry the one asset version: the first 8 hex digits of a SHA-256 of
# both files, so editing either rebuilds this object and changes the URLs
# (served as immutable, they must change with the bytes).
ASSETS  := src/site/assets/hao.css src/site/assets/studio.js src/site/assets/comments.js src/site/assets/icon.svg
build/obj/site/assets/assets.o build/asan/site/assets/assets.o: src/site/assets/assets.S $(ASSETS)
	@mkdir -p $(dir $@)
	v=$$(cat $(ASSETS) | sha256sum | cut -c1-8) && test -n "$$v" && \
	$(CC) -c -DHAO_ASSET_VERSION="\"$$v\"" $< -o $@

build/asan/media/process.o: $(PLUGIN_SRC) src/media/process.h
	@mkdir -p $(dir $@)
	$(CC) $(MEDIA_CFLAGS) -O1 $(SAN) -c $< -o $@

build/hao: $(OBJ) $(MAIN)
	$(CC) $(ALL_CFLAGS) $(MAIN) $(OBJ) $(LIBS) -o $@

build/hao-asan: $(ASAN_OBJ) $(MAIN)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) $(MAIN) $(ASAN_OBJ) $(LIBS) -o $@

build/hao-tsan: $(TSAN_OBJ) $(MAIN)
	$(CC) $(ALL_CFLAGS) -O1 $(TSAN) $(MAIN) $(TSAN_OBJ) $(LIBS) -o $@

# Unit tests link the plugin's code directly (test_media calls it).
build/tests/%: tests/unit/%.c $(ASAN_OBJ) build/asan/media/process.o
	@mkdir -p build/tests
	$(CC) $(ALL_CFLAGS) $(MEDIA_CFLAGS) -O1 $(SAN) $< $(ASAN_OBJ) build/asan/media/process.o $(LIBS) $(MEDIA_LIBS) -lcmocka -o $@

# An LD_PRELOAD check that each h2o allocator stays on one thread
# (tests/support/h2o_threads.c, used by tests/http/loop-threads.test.mjs).
build/tests/h2o-threads.so: tests/support/h2o_threads.c
	@mkdir -p build/tests
	$(CC) $(CSTD) $(WARN) -O1 -g -fPIC -shared $< -ldl -lpthread -o $@

# The originality benchmark's driver (bench/provenance.sh), on hao's own code.
build/bench-provenance: bench/provenance_gen.c $(OBJ)
	$(CC) $(ALL_CFLAGS) $< $(OBJ) $(LIBS) -o $@

run:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory build/hao
	build/hao serve --data ./data --listen 127.0.0.1:8080

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory -j$$(nproc) build/hao build/hao-asan build/hao-tsan $(UNIT_BIN) build/tests/h2o-threads.so
	@scripts/test.sh

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build/hao
	@bench/run.sh

# gcc builds the binaries; clang must find nothing to warn about either.
clang-check:
	@for f in $(SRC) $(PLUGIN_SRC) $(MAIN) $(UNIT); do \
	  clang $(CSTD) $(WARN) -Werror -Isrc $(shell pkg-config --cflags $(PKGS) $(MEDIA_PKGS) 2>/dev/null) -fsyntax-only $$f || exit 1; \
	done

clean:
	rm -rf build

# The search benchmark program (bench/search.sh builds and runs it).
build/search_bench: bench/search_bench.c $(OBJ)
	$(CC) $(ALL_CFLAGS) bench/search_bench.c $(OBJ) $(LIBS) -o $@

# ---- ops: fuzzing (issue 17) ----
# make fuzz [FUZZ_SECONDS=60]: every libFuzzer driver fuzz/NAME_fuzz.c runs for
# FUZZ_SECONDS from its seed corpus fuzz/corpus/NAME (new inputs it finds are
# kept in build/fuzz/work/NAME; a crash leaves build/fuzz/crash-NAME-*).
# make fuzz-smoke: replays each seed corpus once (seconds, once built).
# The drivers link hao's own code built by clang with coverage (build/fuzz/obj);
# a driver that #includes a src/....c file (to reach its static parsers) leaves
# that object out.
FUZZ_SECONDS ?= 60
FUZZ_DRIVERS := $(sort $(patsubst fuzz/%_fuzz.c,%,$(wildcard fuzz/*_fuzz.c)))
FUZZ_FLAGS = $(CSTD) -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJ := $(SRC:src/%.c=build/fuzz/obj/%.o)
FUZZ_EXTRA := build/obj/media/plugin_blob.o build/obj/site/assets/assets.o
.SECONDARY: $(FUZZ_OBJ)

build/fuzz/obj/%.o: src/%.c $(HDR)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/%: fuzz/%_fuzz.c $(wildcard fuzz/*.h) $(FUZZ_OBJ) $(FUZZ_EXTRA)
	@mkdir -p build/fuzz
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer $< \
	  $(filter-out $(patsubst %,build/fuzz/obj/%.o,$(shell sed -n 's|^#include "\.\./src/\(.*\)\.c".*|\1|p' $<)),$(FUZZ_OBJ)) \
	  $(FUZZ_EXTRA) $(LIBS) -o $@

# The AI-label driver reads labels with the media plugin's own code
# (process.c, built only into the plugin), so it links the plugin's libraries.
build/fuzz/aigc: fuzz/aigc_fuzz.c $(PLUGIN_SRC) src/media/process.h build/fuzz/obj/core/alloc.o
	@mkdir -p build/fuzz
	clang $(FUZZ_FLAGS) $(shell pkg-config --cflags $(MEDIA_PKGS) 2>/dev/null) -fsanitize=fuzzer $< \
	  build/fuzz/obj/core/alloc.o $(MEDIA_LIBS) -lm -o $@

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: $(FUZZ_DRIVERS:%=build/fuzz/%)

fuzz: fuzz-build
	@for d in $(FUZZ_DRIVERS); do \
	  mkdir -p build/fuzz/work/$$d; echo "== fuzz $$d for $(FUZZ_SECONDS) s"; \
	  build/fuzz/$$d -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=build/fuzz/crash-$$d- \
	    build/fuzz/work/$$d fuzz/corpus/$$d 2>&1 | grep -E "^(==|#[0-9]+ +DONE|stat::number_of_executed_units|SUMMARY|ERROR)" || exit 1; \
	  test -z "$$(ls build/fuzz/crash-$$d-* 2>/dev/null | grep -v -- -slow-unit-)" || { echo "fuzz $$d: crash found"; exit 1; }; \
	done

fuzz-smoke: fuzz-build
	@for d in $(FUZZ_DRIVERS); do \
	  build/fuzz/$$d -runs=0 fuzz/corpus/$$d >/dev/null 2>build/fuzz/smoke-$$d.log || { cat build/fuzz/smoke-$$d.log; exit 1; }; \
	done; echo "fuzz-smoke: $(words $(FUZZ_DRIVERS)) drivers replayed their corpora"

# ---- ops: the Debian package (issue 17) ----
# make deb: build/deb/hao_VERSION_ARCH.deb with debhelper (debian/), from a
# copy of the tree (dpkg-buildpackage writes its results beside the source),
# then lintian. scripts/deps.sh deb installs the tools.
.PHONY: deb man test-deb
# make test-deb: the package test (scripts/deb-test.sh, as root): make deb,
# then install, upgrade and purge in a debootstrapped Debian 12 root, cached
# in ~/.cache/hao-deb-test (the first run debootstraps: 1.5 to 10 minutes, by the mirror).
test-deb:
	@scripts/deb-test.sh

deb:
	@scripts/deps.sh deb
	rm -rf build/deb && mkdir -p build/deb/hao
	tar --exclude=./build --exclude=node_modules --exclude=./.git -cf - . | tar -C build/deb/hao -xf -
	cd build/deb/hao && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -us -uc -b
	lintian --fail-on error build/deb/*.changes
	scripts/deb-check.sh build/deb/hao_*.deb
	@ls -l build/deb/*.deb

# The man pages alone (build/man), as the package makes them.
man: build/hao
	mkdir -p build/man
	build/hao help hao --man > build/man/hao.1
	for c in $$(build/hao --help | sed -n 's/^  hao \([a-z-]*\).*/\1/p' | sort -u); do build/hao help $$c --man > build/man/hao-$$c.1 || exit 1; done
