for i in 1 2 3; do for j in a b; do printf '%s%s ' $i $j; done; done; echo
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); [ $i -eq 2 ] && continue; [ $i -eq 4 ] && break; echo "while $i"; done
n=3; until [ $n -eq 0 ]; do echo "until $n"; n=$((n - 1)); done
for i in 1 2 3; do for j in 1 2 3; do [ $j -eq 2 ] && continue 2; echo "$i$j"; done; done
for i in 1 2; do for j in 1 2; do [ $i -eq 2 ] && break 2; echo "b$i$j"; done; done
for x; do echo never; done
set -- p q; for x; do echo "pos $x"; done
s=; for c in $(seq 1 5 2>/dev/null || echo 1 2 3 4 5); do s="$s$c"; done; echo $s
