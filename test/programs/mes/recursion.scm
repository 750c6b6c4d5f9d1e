;; stdout: 3628800
;; stdout: 6765
;; stdout: 125
;; stdout: 1000000
;; exit: 0
;; Recursive and tail-recursive procedures (a million iterations in constant space).
;; Mes's numbers print as 32-bit ints (its display goes through itoa), so all stay below 2^31.
(define (factorial n) (if (= n 0) 1 (* n (factorial (- n 1)))))
(define (fibonacci n) (if (< n 2) n (+ (fibonacci (- n 1)) (fibonacci (- n 2)))))
(define (ackermann m n)
  (cond ((= m 0) (+ n 1))
        ((= n 0) (ackermann (- m 1) 1))
        (else (ackermann (- m 1) (ackermann m (- n 1))))))
(define (count-to n)
  (let loop ((i 0))
    (if (= i n) i (loop (+ i 1)))))
(display (factorial 10)) (newline)
(display (fibonacci 20)) (newline)
(display (ackermann 2 61)) (newline)
(display (count-to 1000000)) (newline)
