;; stdout: (1 4 9 16 25)
;; stdout: (5 4 3 2 1)
;; stdout: (a b c d)
;; stdout: (b 2)
;; stdout: 15
;; stdout: (2 4)
;; stdout: #t #f
;; exit: 0
;; Pairs and lists: map, reverse, append, assq, apply, a filter written here, predicates.
(define numbers (list 1 2 3 4 5))
(define (keep predicate items)
  (cond ((null? items) '())
        ((predicate (car items)) (cons (car items) (keep predicate (cdr items))))
        (else (keep predicate (cdr items)))))
(display (map (lambda (x) (* x x)) numbers)) (newline)
(display (reverse numbers)) (newline)
(display (append '(a b) '(c) '(d))) (newline)
(display (assq 'b '((a 1) (b 2) (c 3)))) (newline)
(display (apply + numbers)) (newline)
(display (keep even? numbers)) (newline)
(display (pair? numbers)) (display " ") (display (null? numbers)) (newline)
