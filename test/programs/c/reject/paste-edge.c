// error: paste-edge.c:2: ## needs a token on each side: '##'
#define cat(a, b) ## a b
int x = cat(1, 2);
int main(void) { return 0; }
