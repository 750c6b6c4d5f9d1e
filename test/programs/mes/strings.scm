;; stdout: 11
;; stdout: hello
;; stdout: (#\a #\b #\c)
;; stdout: cba
;; stdout: 65 #\B
;; stdout: 42 123
;; stdout: symbol
;; stdout: HELLO-WORLD
;; exit: 0
;; Strings, characters, numbers as text, symbols.
(define s "hello world")
(display (string-length s)) (newline)
(display (substring s 0 5)) (newline)
(write (string->list "abc")) (newline)
(display (list->string (reverse (string->list "abc")))) (newline)
(display (char->integer #\A)) (display " ") (write (integer->char 66)) (newline)
(display (number->string 42)) (display " ") (display (+ 100 (string->number "23"))) (newline)
(display (symbol->string 'symbol)) (newline)
(display (list->string (map char-upcase (string->list "hello-world")))) (newline)
