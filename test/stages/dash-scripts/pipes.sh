printf 'c\nb\na\nb\n' | sort | uniq | tr a-z A-Z
echo one two three | { read x y z; echo "$z $y $x"; }
false | true; echo "pipe status $?"
true | false; echo "pipe status $?"
! false; echo "negated $?"
echo abc | cat | cat | wc -c
yes 2>/dev/null | head -3
true && echo and-ran; false && echo never; false || echo or-ran
(exit 7); echo "subshell $?"
x=$( (echo inner; exit 2) ); echo "$x $?"
echo `echo back\`tick\`` $(echo $(echo nested))
