a=hello b="two words" c=
echo "$a" $b "[$c]" ${#a} ${a%lo} ${a#he} ${a%%l*} ${a##*l}
echo ${unset-default} ${c:-empty} ${c-set-but-empty} "${a:+alt}" ${nope:=assigned} $nope
set -- one "two three" four
echo $# "$1" "$2" "$*" "$@"
for arg in "$@"; do echo "<$arg>"; done
shift; echo $# "$*"
IFS=:; v="x:y::z"; for f in $v; do echo "[$f]"; done; unset IFS
echo $((3 * (4 + 5) / 2 % 7)) $(( 1 << 10 )) $((0x1f)) $((010)) $(( 5 > 3 && 2 < 1 ))
i=0; : $((i += 5)); echo $i
readonly r=1; (r=2) 2>/dev/null || echo readonly-refused
export E=exported; sh -c 'echo $E' 2>/dev/null || env | grep '^E='
echo "${a}world" '$a' "\$a" "a\\b" 'single "quoted"'
x=$(printf '%s-%d-%05.2f|%x|%o|%c\n' str 42 3.14159 255 8 zed); echo "$x"
