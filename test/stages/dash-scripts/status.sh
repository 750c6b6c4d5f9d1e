true; echo $?
false; echo $?
sh -c 'exit 42' 2>/dev/null; echo $?
nonexistent-command-xyz 2>/dev/null; echo $?
if false; then :; elif true; then echo elif-taken; else echo else; fi
f() { return 5; }; f; echo $?
( set -e; false; echo not-reached ); echo "set -e: $?"
set -u; (echo $undefined_var) 2>/dev/null; echo "set -u: $?"; set +u
test 1 -eq 1 && [ a = a ] && [ ! -z x ] && [ -n y ] && [ 2 -gt 1 -a 1 -lt 2 ] && echo tests-ok
[ -d . ] && [ -f status.sh ] && [ ! -e no-such ] && [ -r status.sh ] && echo files-ok
eval 'echo eval $((6 * 7))'
command -v echo; command -V cd
printf '%s\n' "$(exit 3)"; echo "subst status $?"
exit 9
