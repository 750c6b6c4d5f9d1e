name=world
cat <<EOT
hello $name
  $(echo substituted) and $((1 + 1))
EOT
cat <<'EOT'
literal $name $(echo no)
EOT
cat <<-EOT
	tabs stripped $name
	EOT
while read a b; do echo "$b $a"; done <<EOT
1 one
2 two
EOT
cat <<A; cat <<B
from A
A
from B
B
