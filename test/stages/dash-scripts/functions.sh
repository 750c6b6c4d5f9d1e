greet() { echo "hi $1 ($#)"; return 3; }
greet there; echo status $?
count() { local n=$1; if [ "$n" -le 0 ]; then echo done; return; fi; echo $n; count $((n - 1)); }
count 3
outer() { v=outer; inner; echo "after inner: $v"; }
inner() { local v=inner; echo "in inner: $v"; }
outer
f() { echo "args:$*"; shift 2; echo "rest:$*"; }
f a b c d
type greet | head -1
unset -f greet; greet 2>/dev/null || echo "greet is gone: $?"
