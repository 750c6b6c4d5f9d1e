echo first > out.txt
echo second >> out.txt
cat < out.txt
wc -l < out.txt
ls nonexistent-file 2>/dev/null || echo "ls failed quietly"
{ echo to-stdout; echo to-stderr >&2; } 2>&1 | sort
exec 3> fd3.txt; echo via-fd3 >&3; exec 3>&-; cat fd3.txt
exec 4< out.txt; read line <&4; echo "read: $line"; exec 4<&-
echo data > a.txt; cat a.txt > b.txt; cmp a.txt b.txt && echo same
: > empty.txt; test -s empty.txt || echo empty
set -C; (echo x > a.txt) 2>/dev/null || echo noclobber; set +C
echo ok >| a.txt; cat a.txt
cat <> a.txt
