for w in apple banana cherry 42 '' 'x y' Zed .hidden; do
  case $w in
    a*) echo "$w: starts with a";;
    *an*) echo "$w: has an";;
    [0-9]*) echo "$w: number";;
    '') echo "empty";;
    *' '*) echo "$w: has a space";;
    [A-Z]??) echo "$w: capital three";;
    .*|cherry) echo "$w: dot or cherry";;
  esac
done
case x in (x) echo paren-form;; esac
case abc in a?c) echo qmark;; esac
case '*' in \*) echo escaped-star;; esac
case b in [!a]) echo negated-class;; esac
