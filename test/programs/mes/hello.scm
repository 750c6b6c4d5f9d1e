;; stdout: hello, world
;; stdout: (1 2 3)
;; stdout: "a string" #\x
;; exit: 0
;; display, write and newline.
(display "hello, world")
(newline)
(display (list 1 2 3))
(newline)
(write "a string")
(display " ")
(write #\x)
(newline)
