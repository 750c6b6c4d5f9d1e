;; stdout: 1 2 3
;; stdout: 10 20
;; stdout: #t
;; stdout: 30
;; exit: 0
;; Closures with private state, let*, letrec (mutual recursion), and set!.
(define (make-counter)
  (let ((n 0))
    (lambda () (set! n (+ n 1)) n)))
(define counter (make-counter))
(display (counter)) (display " ") (display (counter)) (display " ") (display (counter)) (newline)
(define other (make-counter))
(let* ((a 10) (b (* a 2)))
  (display a) (display " ") (display b) (newline))
(letrec ((is-even? (lambda (n) (if (= n 0) #t (is-odd? (- n 1)))))
         (is-odd? (lambda (n) (if (= n 0) #f (is-even? (- n 1))))))
  (display (is-even? 100)) (newline))
(define (adder k) (lambda (x) (+ x k)))
(display ((adder 10) 20)) (newline)
