// stub
#include "passes.h"
#include "preproc.h"
int elaborate(struct session *s, struct file_ast *user) { return 0; }
void elaborate_print(struct session *s, struct strbuf *sb) {}
int elaborate_list(struct session *s, const char *pattern, bool vars, struct strbuf *sb) { return 0; }
