;; stdout: (2 1)
;; stdout: 6
;; stdout: (1 2 3 4 5)
;; stdout: yes
;; exit: 0
;; Macros: syntax-rules (hygienic swap!, a recursive my-or), define-macro, quasiquote.
;; Mes loads syntax-rules as a module.
(mes-use-module (mes syntax))
(define-syntax swap!
  (syntax-rules ()
    ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))
(define p 1)
(define q 2)
(swap! p q)
(display (list p q)) (newline)
(define-macro (unless-zero x . body) `(if (= ,x 0) #f (begin ,@body)))
(display (unless-zero 3 (* 2 3))) (newline)
(define rest '(4 5))
(display `(1 ,(+ 1 1) 3 ,@rest)) (newline)
(define-syntax my-or
  (syntax-rules ()
    ((_) #f)
    ((_ e) e)
    ((_ e r ...) (let ((t e)) (if t t (my-or r ...))))))
(display (my-or #f #f 'yes)) (newline)
