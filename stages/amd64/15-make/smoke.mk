# smoke.mk — run by the stage's own make right after it is built (build.kaem): variables, a
# substitution reference, a pattern rule, automatic variables, prerequisites in order and a
# failing command whose error is ignored ('-'). Its commands are simple, so make runs them
# without a shell (there is none in the chain yet): tools/catm concatenates files.
CAT := tools/catm
PARTS = one two
PIECES = $(PARTS:%=tmp/%.part)

all: smoke/joined.txt

tmp/%.part: src/%.in
	$(CAT) $@ $<

smoke/joined.txt: $(PIECES) src/smoke.mk
	-$(CAT) tmp/never.txt src/does-not-exist.in
	$(CAT) $@ $(PIECES)
