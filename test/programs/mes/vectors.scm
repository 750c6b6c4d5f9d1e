;; stdout: #(0 1 4 9 16)
;; stdout: 5
;; stdout: (x y z)
;; stdout: (5)
;; exit: 0
;; Vectors, and catch/throw (Mes's non-local exit).
(define v (make-vector 5 0))
(let loop ((i 0))
  (when (< i 5)
    (vector-set! v i (* i i))
    (loop (+ i 1))))
(display v) (newline)
(display (vector-length v)) (newline)
(display (vector->list (list->vector '(x y z)))) (newline)
(display (catch 'found (lambda () (throw 'found 5) 'not-reached) (lambda (key . args) args))) (newline)
