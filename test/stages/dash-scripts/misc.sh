mkdir -p g/sub && touch g/b.c g/a.c g/c.h g/.dot && cd g
echo *.c; echo *.[ch]; echo ?.h; echo .*; echo nomatch*; echo sub/
cd ..; echo "$(cd g && pwd -P | sed 's|.*/||')"
while getopts ab:c opt -a -b val -c rest; do echo "opt $opt ${OPTARG-}"; done
set -- -x -y arg; OPTIND=1; while getopts xy o; do echo "got $o"; done; shift $((OPTIND - 1)); echo "left $*"
alias ll='echo aliased'; eval ll
echo "a b   c" | { read -r x rest; echo "[$x] [$rest]"; }
printf '%s|' a b c; echo
umask 022; umask
echo $(( $(echo 7) + 1 ))
v=$(cat <<EOT
from heredoc in subst
EOT
); echo "$v"
x=5; echo "${x:+set} ${y:-unset}"; unset x; echo "${x-gone}"
sleep 0.1 & wait $!; echo "background done $?"
(exit 3) & wait $!; echo "background status $?"
