;; stdout: before
;; exit: 3
;; exit with a status: what follows it does not run.
(display "before") (newline)
(exit 3)
(display "after") (newline)
