trap 'echo exiting with $?' EXIT
trap 'echo got USR1' USR1
kill -USR1 $$
trap 'echo got INT' INT
kill -INT $$
trap - INT
trap
(trap 'echo subshell exit' EXIT; echo in subshell)
f() { trap 'echo function trap TERM' TERM; kill -TERM $$; }
f
kill -l 15; kill -l 2; kill -l | tr ' \t' '\n\n' | grep -c .
exit 4
