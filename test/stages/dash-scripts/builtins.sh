set -x
echo traced "$HOME" > /dev/null
set +x
# A background job's end may be reaped before wait (no message then): its status only.
sleep 5 & pid=$!; kill $pid; wait $pid 2>/dev/null; echo "killed: $?"
sleep 5 & kill -9 $!; wait $! 2>/dev/null; echo "killed -9: $?"
# A foreground command a signal ends: dash names the signal on stderr.
sh -c 'kill -TERM $$'; echo "foreground TERM: $?"
sh -c 'kill -KILL $$'; echo "foreground KILL: $?"
sh -c 'kill -USR1 $$'; echo "foreground USR1: $?"
sh -c 'kill -SEGV $$'; echo "foreground SEGV: $?"
sleep 0 & wait; jobs; echo no-jobs-left
ulimit -n; ulimit -c; ulimit -a | head -3
cd /; cd "$HOME"; cd - >/dev/null; pwd; cd "$HOME"
echo ~ ~/sub ~nosuchuser-xyz
printf 'a\\tb\n' | { read -r line; echo "$line"; }
printf '%b|%s|%5s|%-5s|%.2s\n' 'x\ty' plain right left truncate
echo -n no-newline; echo
test -x /bin/sh && echo sh-executable; test -L /nonexistent || echo not-link
hash; type cd echo ls 2>&1 | sed 's|/usr/bin/|/bin/|'
exec 3>&1; (echo to-three >&3); exec 3>&-
v=$(exec 2>&1; echo err-to-out >&2); echo "$v"
printf '%d %i %u %e %g\n' -5 0x10 42 12345.678 0.0001
wait; echo "exit path"
