/*
 * parse.y — the lemon grammar of weir's SQL dialect (Flink SQL queries with
 * ksqlDB's WINDOW/EMIT/WITHIN shorthands, and the DDL/DML of ROADMAP.md).
 *
 * Terminals are wr_tok slices of the SQL text (lexer.re); every action only
 * calls a constructor of ast_build.h, which allocates from the parse arena.
 * Because the whole tree lives in that arena and is dropped with it, no
 * non-terminal needs a %destructor: a syntax error in the middle of a
 * statement leaks nothing.
 *
 * Clauses that a rule cannot hold in one value are built left-recursively
 * on their owner: a SELECT grows clause by clause (sel_from → sel_where →
 * sel_group → core), CREATE grows column by column and option by option.
 *
 * Keywords listed under %fallback are non-reserved: where the grammar has
 * no use for them they become identifiers, so `ts`, `key`, `size`,
 * `timestamp`, `partition`, `rows`, … remain column and table names.
 * Caution: lemon compresses each state's most common reduction into a
 * default, and a keyword with no explicit entry falls back to ID before the
 * default is taken. A non-reserved keyword that may follow a place where a
 * name is optional (an alias) would thus be read as that name; that is why
 * WINDOW, EMIT and WITHIN are reserved. check_fallback.py finds such cases:
 * run it after changing the grammar or the %fallback list.
 *
 * Expression precedence, lowest first: OR, AND, NOT, comparison / IS / LIKE
 * / IN / BETWEEN, + - ||, * / %, unary + -, postfix ::.
 */

%name wr_lemon
%token_prefix TK_
%token_type {wr_tok}
%default_type {ast_expr *}
%extra_context {wr_pstate *p}
%stack_size 1000

%include {
#include "ast_build.h"
}

%syntax_error {
  wr_pstate_syntax_error(p, TOKEN);
}
/* Tokens own nothing either; this only keeps the generated yy_destructor
 * from declaring the parse state without using it (-Wunused-variable). */
%token_destructor { (void)p; }
%stack_overflow {
  wr_pstate_error(p, wr_tok_start(p->tok), "statement too deeply nested");
}

/* Terminals produced by the lexer but never mentioned by a rule would not
 * get a code; declaring them keeps parse.h complete for lexer.re. */
%token ID STRING INTEGER FLOAT.

%fallback ID
  ADVANCE ASC BOTH CHANGES CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP
  DATE DAY DAYS DESC DESCRIBE DESCRIPTOR ENFORCED ESCAPE EVERY EXPLAIN EXTRACT
  FILTER FINAL FIRST FOLLOWING FOR FUNCTIONS GAP GRACE HOPPING HOUR HOURS IF
  KEY LAST LEADING LOCAL LOCALTIME LOCALTIMESTAMP MILLISECOND MILLISECONDS
  MINUTE MINUTES MONTH MONTHS NULLS OF PARTITION PERIOD POSITION PRECEDING
  PRECISION PRIMARY QUERIES RANGE REPLACE RETENTION ROW ROWS SECOND
  SECONDS SESSION SET SHOW SIZE STREAM STREAMS SUBSTRING SYSTEM_TIME TABLE
  TABLES TIME TIMESTAMP TO TRAILING TRIM TRY_CAST TUMBLING UNBOUNDED VIEW VIEWS
  WATERMARK WEEK WEEKS WITHOUT YEAR YEARS ZONE.

%left OR.
%left AND.
%right NOT.
%left IS LIKE BETWEEN IN EQ NE LT LE GT GE.
%right ESCAPE.
%left PLUS MINUS CONCAT.
%left STAR SLASH REM.
%right UNARY.
%left DCOLON.
/* Only to order two reductions of "( select )": a parenthesised SELECT
 * binds before a scalar subquery, so ((SELECT 1)) is the subquery of a
 * parenthesised SELECT. */
%nonassoc SUBQUERY.
%nonassoc SELECT_PAREN.

/* ------------------------------------------------------------ input */

input ::= cmdlist.
cmdlist ::= cmdlist ecmd.
cmdlist ::= ecmd.
ecmd ::= SEMI.
ecmd ::= cmd(C) SEMI.                    { wr_pstate_add_stmt(p, C); }

%type cmd {ast_stmt *}
cmd(A) ::= select(S).                    { A = ast_stmt_select(p, S); }
cmd(A) ::= EXPLAIN(E) cmd(C).            { A = ast_stmt_explain(p, E, C); }

/* ------------------------------------------- CREATE STREAM / TABLE */

%type create {ast_stmt *}
create(A) ::= CREATE(C) orreplace(R) STREAM ifnotexists(I) nm(N).
    { A = ast_stmt_create(p, C, AST_STMT_CREATE_STREAM, R, I, N); }
create(A) ::= CREATE(C) orreplace(R) TABLE ifnotexists(I) nm(N).
    { A = ast_stmt_create(p, C, AST_STMT_CREATE_TABLE, R, I, N); }

%type orreplace {bool}
orreplace(A) ::= .                       { A = false; }
orreplace(A) ::= OR REPLACE.             { A = true; }
%type ifnotexists {bool}
ifnotexists(A) ::= .                     { A = false; }
ifnotexists(A) ::= IF NOT EXISTS.        { A = true; }

/* ( element, … ): copen is the statement with an element about to start. */
%type copen {ast_stmt *}
%type cbody {ast_stmt *}
copen(A) ::= create(A) LP.
copen(A) ::= cbody(A) COMMA.
cbody(A) ::= copen(A) nm(N) typename(T) colcons(K).
    { ast_stmt_add_column(p, A, N, T, K); }
cbody(A) ::= copen(A) WATERMARK FOR nm(C) AS expr(E).
    { ast_stmt_set_watermark(p, A, C, E); }
cbody(A) ::= copen(A) PRIMARY(K) KEY LP nmlist(L) RP.
    { ast_stmt_set_primary_key(p, A, K, L); }
cbody(A) ::= copen(A) PRIMARY(K) KEY LP nmlist(L) RP NOT ENFORCED.
    { ast_stmt_set_primary_key(p, A, K, L); }

%type colcons {int}
colcons(A) ::= .                         { A = 0; }
colcons(A) ::= colcons(B) NOT NULL.      { A = B | AST_COL_NOT_NULL; }
colcons(A) ::= colcons(B) NULL.          { A = B; }
colcons(A) ::= colcons(B) PRIMARY KEY.   { A = B | AST_COL_PRIMARY_KEY; }
colcons(A) ::= colcons(B) NOT ENFORCED.  { A = B; }

%type ctable {ast_stmt *}
ctable(A) ::= create(A).
ctable(A) ::= cbody(A) RP.

/* WITH ( key = value, … ) */
%type wopen {ast_stmt *}
%type wbody {ast_stmt *}
wopen(A) ::= ctable(A) WITH LP.
wopen(A) ::= wbody(A) COMMA.
wbody(A) ::= wopen(A) optkey(K) EQ optval(V).  { ast_stmt_add_option(p, A, K, V); }

%type cwith {ast_stmt *}
cwith(A) ::= ctable(A).
cwith(A) ::= wbody(A) RP.

cmd(A) ::= cwith(B).                     { A = ast_stmt_close(p, B); }
cmd(A) ::= cwith(B) AS select(S).        { ast_stmt_set_select(p, B, S); A = ast_stmt_close(p, B); }

%type optkey {wr_tok}
optkey(A) ::= dotted(A).
optkey(A) ::= STRING(A).
%type optval {wr_tok}
optval(A) ::= STRING(A).
optval(A) ::= INTEGER(A).
optval(A) ::= FLOAT(A).
optval(A) ::= dotted(A).
optval(A) ::= TRUE(A).
optval(A) ::= FALSE(A).
%type dotted {wr_tok}
dotted(A) ::= nm(A).
dotted(A) ::= dotted(B) DOT nm(C).       { A = ast_tok_span(B, C); }

/* ------------------------------------------------------- CREATE VIEW */

cmd(A) ::= CREATE(C) orreplace(R) VIEW ifnotexists(I) nm(N) AS select(S).
    { A = ast_stmt_create_view(p, C, R, I, N, S); }

/* ----------------------------------------------------- INSERT, DELETE */

/* The column list is spelled out in each rule: an optional list would have
 * to be reduced before a '(' that may also open a parenthesised SELECT. */
cmd(A) ::= INSERT(I) INTO nm(N) select(S).
    { A = ast_stmt_insert(p, I, N, NULL, S); }
cmd(A) ::= INSERT(I) INTO nm(N) LP nmlist(C) RP select(S).
    { A = ast_stmt_insert(p, I, N, C, S); }
cmd(A) ::= INSERT(I) INTO nm(N) VALUES vrows(R).
    { A = ast_stmt_insert_values(p, I, N, NULL, R); }
cmd(A) ::= INSERT(I) INTO nm(N) LP nmlist(C) RP VALUES vrows(R).
    { A = ast_stmt_insert_values(p, I, N, C, R); }

/* VALUES rows, each an AST_ROW until ast_stmt_insert_values unpacks them. */
%type vrows {ast_list *}
vrows(A) ::= LP(L) exprlist(E) RP.                { A = ast_list_add(p, NULL, ast_expr_row(p, L, E)); }
vrows(A) ::= vrows(B) COMMA LP(L) exprlist(E) RP. { A = ast_list_add(p, B, ast_expr_row(p, L, E)); }

cmd(A) ::= DELETE(D) FROM nm(N).                  { A = ast_stmt_delete(p, D, N, NULL); }
cmd(A) ::= DELETE(D) FROM nm(N) WHERE expr(E).    { A = ast_stmt_delete(p, D, N, E); }

/* ------------------------------------ SHOW, DESCRIBE, DROP, SET */

cmd(A) ::= SHOW(S) STREAMS.              { A = ast_stmt_show(p, S, AST_SHOW_STREAMS); }
cmd(A) ::= SHOW(S) TABLES.               { A = ast_stmt_show(p, S, AST_SHOW_TABLES); }
cmd(A) ::= SHOW(S) VIEWS.                { A = ast_stmt_show(p, S, AST_SHOW_VIEWS); }
cmd(A) ::= SHOW(S) QUERIES.              { A = ast_stmt_show(p, S, AST_SHOW_QUERIES); }
cmd(A) ::= SHOW(S) FUNCTIONS.            { A = ast_stmt_show(p, S, AST_SHOW_FUNCTIONS); }

cmd(A) ::= DESCRIBE(D) nm(N).            { A = ast_stmt_describe(p, D, N); }
cmd(A) ::= DESC(D) nm(N).                { A = ast_stmt_describe(p, D, N); }

cmd(A) ::= DROP(D) dropobj(O) ifexists(E) nm(N).  { A = ast_stmt_drop(p, D, O, E, N); }
%type dropobj {ast_object}
dropobj(A) ::= STREAM.                   { A = AST_OBJ_STREAM; }
dropobj(A) ::= TABLE.                    { A = AST_OBJ_TABLE; }
dropobj(A) ::= VIEW.                     { A = AST_OBJ_VIEW; }
%type ifexists {bool}
ifexists(A) ::= .                        { A = false; }
ifexists(A) ::= IF EXISTS.               { A = true; }

cmd(A) ::= SET(S) optkey(K) EQ optval(V). { A = ast_stmt_set(p, S, K, V); }

/* ------------------------------------------------------------ SELECT */

/* A query: branches joined by UNION, then the clauses of the whole query. */
%type select {ast_select *}
select(A) ::= sbody(B) emit(E) orderby(O) limit(L).
    { A = ast_select_finish(p, B, E, O, L); }

%type sbody {ast_select *}
sbody(A) ::= sterm(A).
sbody(A) ::= sbody(B) UNION unionall(U) sterm(C).  { A = ast_select_union(p, B, U, C); }
%type unionall {bool}
unionall(A) ::= .                        { A = false; }
unionall(A) ::= ALL.                     { A = true; }
unionall(A) ::= DISTINCT.                { A = false; }

%type sterm {ast_select *}
sterm(A) ::= core(B).                    { A = ast_select_close(p, B); }
sterm(A) ::= LP(L) select(S) RP. [SELECT_PAREN]  { A = ast_select_paren(p, L, S); }

/* One SELECT … FROM … WHERE … GROUP BY … HAVING …, clause by clause.
 * WINDOW clauses (ksqlDB's TUMBLING/HOPPING/SESSION and Flink's named
 * WINDOW w AS (…)) are read before WHERE (ksqlDB's place), after it, and
 * after GROUP BY / HAVING; an optional clause never precedes them, which
 * keeps the choice between these places free of conflicts. */
%type sel_from {ast_select *}
sel_from(A) ::= SELECT(S) distinct(D) sellist(C).
    { A = ast_select_new(p, S, D, C, NULL); }
sel_from(A) ::= SELECT(S) distinct(D) sellist(C) FROM from(F).
    { A = ast_select_new(p, S, D, C, F); }

%type sel_where {ast_select *}
sel_where(A) ::= sel_from(A).
sel_where(A) ::= sel_from(A) WHERE expr(E).           { ast_select_where(p, A, E); }
sel_where(A) ::= sel_from(A) wins(W).                 { ast_select_windows(p, A, W); }
sel_where(A) ::= sel_from(A) wins(W) WHERE expr(E).
    { ast_select_windows(p, A, W); ast_select_where(p, A, E); }
sel_where(A) ::= sel_from(A) WHERE expr(E) wins(W).
    { ast_select_where(p, A, E); ast_select_windows(p, A, W); }

%type sel_group {ast_select *}
sel_group(A) ::= sel_where(A) GROUP BY exprlist(L).                 { ast_select_group(p, A, L, NULL); }
sel_group(A) ::= sel_where(A) GROUP BY exprlist(L) HAVING expr(H).  { ast_select_group(p, A, L, H); }
sel_group(A) ::= sel_where(A) HAVING expr(H).                       { ast_select_group(p, A, NULL, H); }

%type core {ast_select *}
core(A) ::= sel_where(A).
core(A) ::= sel_group(A).
core(A) ::= sel_group(A) wins(W).        { ast_select_windows(p, A, W); }

%type distinct {bool}
distinct(A) ::= .                        { A = false; }
distinct(A) ::= DISTINCT.                { A = true; }
distinct(A) ::= ALL.                     { A = false; }

/* The select list: expressions with optional aliases, *, t.* */
%type sellist {ast_list *}
sellist(A) ::= expr(E) alias(N).                    { A = ast_list_add_named(p, NULL, E, N); }
sellist(A) ::= sellist(B) COMMA expr(E) alias(N).   { A = ast_list_add_named(p, B, E, N); }
sellist(A) ::= star(E).                             { A = ast_list_add(p, NULL, E); }
sellist(A) ::= sellist(B) COMMA star(E).            { A = ast_list_add(p, B, E); }
star(A) ::= STAR(S).                     { A = ast_expr_star(p, S, ast_tok_none()); }
star(A) ::= nm(Q) DOT STAR.              { A = ast_expr_star(p, Q, Q); }

%type alias {wr_tok}
alias(A) ::= .                           { A = ast_tok_none(); }
alias(A) ::= AS nm(N).                   { A = N; }
alias(A) ::= nm(A).

/* WINDOW TUMBLING (…), WINDOW w AS (…), … in any number. */
%type wins {ast_wins *}
wins(A) ::= WINDOW(W) wspec(S) RP.                      { A = ast_wins_add_window(p, NULL, W, S); }
wins(A) ::= wins(B) WINDOW(W) wspec(S) RP.              { A = ast_wins_add_window(p, B, W, S); }
wins(A) ::= WINDOW nm(N) AS LP ospec(O) RP.             { A = ast_wins_add_named(p, NULL, N, O); }
wins(A) ::= wins(B) WINDOW nm(N) AS LP ospec(O) RP.     { A = ast_wins_add_named(p, B, N, O); }
wins(A) ::= wins(B) COMMA nm(N) AS LP ospec(O) RP.      { A = ast_wins_add_named(p, B, N, O); }

/* ksqlDB window specifications, without the closing parenthesis. */
%type wspec {ast_window *}
wspec(A) ::= TUMBLING(T) LP SIZE wival(S).
    { A = ast_window_new(p, T, AST_WIN_TUMBLING, S, NULL); }
wspec(A) ::= HOPPING(T) LP SIZE wival(S) COMMA ADVANCE BY wival(V).
    { A = ast_window_new(p, T, AST_WIN_HOPPING, S, V); }
wspec(A) ::= SESSION(T) LP wival(G).
    { A = ast_window_new(p, T, AST_WIN_SESSION, G, NULL); }
wspec(A) ::= SESSION(T) LP GAP wival(G).
    { A = ast_window_new(p, T, AST_WIN_SESSION, G, NULL); }
wspec(A) ::= wspec(A) COMMA GRACE PERIOD wival(G).     { ast_window_grace(p, A, G); }
wspec(A) ::= wspec(A) COMMA RETENTION wival(R).        { ast_window_retention(p, A, R); }

/* A duration in window clauses: 10 SECONDS or INTERVAL '10' SECOND. */
wival(A) ::= INTEGER(N) unit(U).         { A = ast_expr_interval(p, N, N, U, ast_tok_none()); }
wival(A) ::= interval(A).

%type emit {ast_emit_spec}
emit(A) ::= .                            { A = ast_emit_make(AST_EMIT_DEFAULT, NULL); }
emit(A) ::= EMIT CHANGES.                { A = ast_emit_make(AST_EMIT_CHANGES, NULL); }
emit(A) ::= EMIT FINAL.                  { A = ast_emit_make(AST_EMIT_FINAL, NULL); }
emit(A) ::= EMIT EVERY wival(I).         { A = ast_emit_make(AST_EMIT_EVERY, I); }

%type orderby {ast_list *}
orderby(A) ::= .                         { A = NULL; }
orderby(A) ::= ORDER BY sortlist(L).  { A = L; }

limit(A) ::= .                           { A = NULL; }
limit(A) ::= LIMIT expr(E).              { A = E; }

%type sortlist {ast_list *}
sortlist(A) ::= expr(E) sortdir(D) nullsorder(N).
    { A = ast_list_add_sort(p, NULL, E, D, N); }
sortlist(A) ::= sortlist(B) COMMA expr(E) sortdir(D) nullsorder(N).
    { A = ast_list_add_sort(p, B, E, D, N); }
%type sortdir {bool}
sortdir(A) ::= .                         { A = false; }
sortdir(A) ::= ASC.                      { A = false; }
sortdir(A) ::= DESC.                     { A = true; }
%type nullsorder {int}
nullsorder(A) ::= .                      { A = 0; }
nullsorder(A) ::= NULLS FIRST.           { A = 1; }
nullsorder(A) ::= NULLS LAST.            { A = 2; }

/* -------------------------------------------------------------- FROM */

%type from {ast_from *}
%type join {ast_from *}
%type joinw {ast_from *}
%type fromitem {ast_from *}
from(A) ::= fromitem(A).
from(A) ::= from(L) COMMA fromitem(R).             { A = ast_from_join(p, L, AST_JOIN_CROSS, R); }
from(A) ::= from(L) CROSS JOIN fromitem(R).        { A = ast_from_join(p, L, AST_JOIN_CROSS, R); }
from(A) ::= join(A) ON expr(E).                    { ast_from_on(p, A, E); }
from(A) ::= join(A) USING LP nmlist(U) RP.         { ast_from_using(p, A, U); }
from(A) ::= joinw(A) ON expr(E).                   { ast_from_on(p, A, E); }
from(A) ::= join(A) ON expr(E) WITHIN wival(W).
    { ast_from_on(p, A, E); ast_from_within(p, A, W, NULL); }
from(A) ::= join(A) ON expr(E) WITHIN wival(W) GRACE PERIOD wival(G).
    { ast_from_on(p, A, E); ast_from_within(p, A, W, G); }

/* ksqlDB puts WITHIN between the joined stream and ON. */
joinw(A) ::= join(A) WITHIN wival(W).                          { ast_from_within(p, A, W, NULL); }
joinw(A) ::= join(A) WITHIN wival(W) GRACE PERIOD wival(G).    { ast_from_within(p, A, W, G); }

join(A) ::= from(L) jointype(T) JOIN fromitem(R).  { A = ast_from_join(p, L, T, R); }
%type jointype {int}
jointype(A) ::= .                        { A = AST_JOIN_INNER; }
jointype(A) ::= INNER.                   { A = AST_JOIN_INNER; }
jointype(A) ::= LEFT outer.              { A = AST_JOIN_LEFT; }
jointype(A) ::= RIGHT outer.             { A = AST_JOIN_RIGHT; }
jointype(A) ::= FULL outer.              { A = AST_JOIN_FULL; }
outer ::= .
outer ::= OUTER.

fromitem(A) ::= nm(N) alias(L).          { A = ast_from_name(p, N, NULL, L); }
fromitem(A) ::= nm(N) FOR SYSTEM_TIME AS OF expr(E) alias(L).
    { A = ast_from_name(p, N, E, L); }
fromitem(A) ::= LP(P) select(S) RP alias(L).
    { A = ast_from_subquery(p, P, S, L); }
fromitem(A) ::= TABLE(T) LP nm(F) LP tvfargs(G) RP RP alias(L).
    { A = ast_from_tvf(p, T, F, G, L); }

/* Table function arguments: TABLE t [PARTITION BY …], DESCRIPTOR(…),
 * expressions, each optionally named (NAME => value). */
%type tvfargs {ast_list *}
%type tvflist {ast_list *}
tvfargs(A) ::= .                                     { A = NULL; }
tvfargs(A) ::= tvflist(A).
tvflist(A) ::= tvfarg(E).                            { A = ast_list_add(p, NULL, E); }
tvflist(A) ::= nm(N) ARROW tvfarg(E).                { A = ast_list_add_named(p, NULL, E, N); }
tvflist(A) ::= tvflist(B) COMMA tvfarg(E).           { A = ast_list_add(p, B, E); }
tvflist(A) ::= tvflist(B) COMMA nm(N) ARROW tvfarg(E). { A = ast_list_add_named(p, B, E, N); }

tvfarg(A) ::= expr(A).
tvfarg(A) ::= TABLE(T) nm(N).            { A = ast_expr_table_arg(p, T, N, NULL); }
tvfarg(A) ::= TABLE(T) nm(N) PARTITION BY nm(C).
    { A = ast_expr_table_arg(p, T, N, ast_list_add_column(p, NULL, C)); }
tvfarg(A) ::= TABLE(T) nm(N) PARTITION BY LP nmlist(C) RP.
    { A = ast_expr_table_arg(p, T, N, C); }
tvfarg(A) ::= DESCRIPTOR(D) LP nmlist(C) RP.  { A = ast_expr_descriptor(p, D, C); }

/* ------------------------------------------------------- OVER windows */

%type over {ast_over *}
over(A) ::= OVER(O) nm(N).               { A = ast_over_named(p, O, N); }
over(A) ::= OVER(O) LP ospec(S) RP.      { A = ast_over_finish(p, O, S); }

%type ospec {ast_over *}
ospec(A) ::= opartition(P) oorder(O).    { A = ast_over_new(p, P, O); }
ospec(A) ::= opartition(P) oorder(O) frametype(F) fbound(S).
    { A = ast_over_new(p, P, O); ast_over_frame(p, A, F, S, ast_bound_make(AST_BOUND_NONE, NULL)); }
ospec(A) ::= opartition(P) oorder(O) frametype(F) BETWEEN fbound(S) AND fbound(E).
    { A = ast_over_new(p, P, O); ast_over_frame(p, A, F, S, E); }

%type opartition {ast_list *}
opartition(A) ::= .                      { A = NULL; }
opartition(A) ::= PARTITION BY exprlist(L).  { A = L; }
%type oorder {ast_list *}
oorder(A) ::= .                          { A = NULL; }
oorder(A) ::= ORDER BY sortlist(L).      { A = L; }
%type frametype {int}
frametype(A) ::= ROWS.                   { A = 1; }
frametype(A) ::= RANGE.                  { A = 2; }

%type fbound {ast_bound}
fbound(A) ::= UNBOUNDED PRECEDING.       { A = ast_bound_make(AST_BOUND_UNBOUNDED_PRECEDING, NULL); }
fbound(A) ::= UNBOUNDED FOLLOWING.       { A = ast_bound_make(AST_BOUND_UNBOUNDED_FOLLOWING, NULL); }
fbound(A) ::= CURRENT ROW.               { A = ast_bound_make(AST_BOUND_CURRENT_ROW, NULL); }
fbound(A) ::= expr(E) PRECEDING.         { A = ast_bound_make(AST_BOUND_PRECEDING, E); }
fbound(A) ::= expr(E) FOLLOWING.         { A = ast_bound_make(AST_BOUND_FOLLOWING, E); }

/* ------------------------------------------------------- expressions */

expr(A) ::= primary(A).

expr(A) ::= NOT(N) expr(E).              { A = ast_expr_unary(p, N, AST_OP_NOT, E); }
expr(A) ::= MINUS(M) expr(E). [UNARY]    { A = ast_expr_unary(p, M, AST_OP_NEG, E); }
expr(A) ::= PLUS(M) expr(E). [UNARY]     { A = ast_expr_unary(p, M, AST_OP_PLUS, E); }

expr(A) ::= expr(L) OR expr(R).          { A = ast_expr_binary(p, AST_OP_OR, L, R); }
expr(A) ::= expr(L) AND expr(R).         { A = ast_expr_binary(p, AST_OP_AND, L, R); }
expr(A) ::= expr(L) EQ expr(R).          { A = ast_expr_binary(p, AST_OP_EQ, L, R); }
expr(A) ::= expr(L) NE expr(R).          { A = ast_expr_binary(p, AST_OP_NE, L, R); }
expr(A) ::= expr(L) LT expr(R).          { A = ast_expr_binary(p, AST_OP_LT, L, R); }
expr(A) ::= expr(L) LE expr(R).          { A = ast_expr_binary(p, AST_OP_LE, L, R); }
expr(A) ::= expr(L) GT expr(R).          { A = ast_expr_binary(p, AST_OP_GT, L, R); }
expr(A) ::= expr(L) GE expr(R).          { A = ast_expr_binary(p, AST_OP_GE, L, R); }
expr(A) ::= expr(L) PLUS expr(R).        { A = ast_expr_binary(p, AST_OP_ADD, L, R); }
expr(A) ::= expr(L) MINUS expr(R).       { A = ast_expr_binary(p, AST_OP_SUB, L, R); }
expr(A) ::= expr(L) CONCAT expr(R).      { A = ast_expr_binary(p, AST_OP_CONCAT, L, R); }
expr(A) ::= expr(L) STAR expr(R).        { A = ast_expr_binary(p, AST_OP_MUL, L, R); }
expr(A) ::= expr(L) SLASH expr(R).       { A = ast_expr_binary(p, AST_OP_DIV, L, R); }
expr(A) ::= expr(L) REM expr(R).         { A = ast_expr_binary(p, AST_OP_MOD, L, R); }

expr(A) ::= expr(L) IS NULL.             { A = ast_expr_is_null(p, L, false); }
expr(A) ::= expr(L) IS NOT NULL.         { A = ast_expr_is_null(p, L, true); }
expr(A) ::= expr(L) IS TRUE.             { A = ast_expr_is_bool(p, L, true, false); }
expr(A) ::= expr(L) IS NOT TRUE.         { A = ast_expr_is_bool(p, L, true, true); }
expr(A) ::= expr(L) IS FALSE.            { A = ast_expr_is_bool(p, L, false, false); }
expr(A) ::= expr(L) IS NOT FALSE.        { A = ast_expr_is_bool(p, L, false, true); }
expr(A) ::= expr(L) IS DISTINCT FROM expr(R).      { A = ast_expr_binary(p, AST_OP_IS_DISTINCT, L, R); }
expr(A) ::= expr(L) IS NOT DISTINCT FROM expr(R).  { A = ast_expr_binary(p, AST_OP_IS_NOT_DISTINCT, L, R); }

expr(A) ::= expr(L) BETWEEN expr(X) AND expr(Y). [BETWEEN]
    { A = ast_expr_between(p, L, X, Y, false); }
expr(A) ::= expr(L) NOT BETWEEN expr(X) AND expr(Y). [BETWEEN]
    { A = ast_expr_between(p, L, X, Y, true); }
expr(A) ::= expr(L) IN LP exprlist(R) RP.                 { A = ast_expr_in_list(p, L, R, false); }
expr(A) ::= expr(L) NOT IN LP exprlist(R) RP. [IN]        { A = ast_expr_in_list(p, L, R, true); }
expr(A) ::= expr(L) IN LP select(S) RP.                   { A = ast_expr_in_select(p, L, S, false); }
expr(A) ::= expr(L) NOT IN LP select(S) RP. [IN]          { A = ast_expr_in_select(p, L, S, true); }
expr(A) ::= expr(L) LIKE expr(R).                         { A = ast_expr_like(p, L, R, NULL, false); }
expr(A) ::= expr(L) NOT LIKE expr(R). [LIKE]              { A = ast_expr_like(p, L, R, NULL, true); }
expr(A) ::= expr(L) LIKE expr(R) ESCAPE expr(E).          { A = ast_expr_like(p, L, R, E, false); }
expr(A) ::= expr(L) NOT LIKE expr(R) ESCAPE expr(E). [LIKE] { A = ast_expr_like(p, L, R, E, true); }

expr(A) ::= expr(E) DCOLON typename(T).  { A = ast_expr_dcolon(p, E, T); }

/* Primaries: what needs no operator precedence. */
%type primary {ast_expr *}
primary(A) ::= nm(N).                    { A = ast_expr_column(p, ast_tok_none(), N); }
primary(A) ::= nm(Q) DOT nm(N).          { A = ast_expr_column(p, Q, N); }
/* TIMESTAMP and DATE open typed literals but are common column names. */
primary(A) ::= TIMESTAMP(N).             { A = ast_expr_column(p, ast_tok_none(), N); }
primary(A) ::= DATE(N).                  { A = ast_expr_column(p, ast_tok_none(), N); }

primary(A) ::= INTEGER(T).               { A = ast_expr_literal(p, AST_INT, T); }
primary(A) ::= FLOAT(T).                 { A = ast_expr_literal(p, AST_FLOAT, T); }
primary(A) ::= STRING(T).                { A = ast_expr_literal(p, AST_STRING, T); }
primary(A) ::= NULL(T).                  { A = ast_expr_literal(p, AST_NULL, T); }
primary(A) ::= TRUE(T).                  { A = ast_expr_bool(p, T, true); }
primary(A) ::= FALSE(T).                 { A = ast_expr_bool(p, T, false); }
primary(A) ::= interval(A).
primary(A) ::= TIMESTAMP(T) STRING(S).   { A = ast_expr_typed_lit(p, T, S); }
primary(A) ::= DATE(T) STRING(S).        { A = ast_expr_typed_lit(p, T, S); }

primary(A) ::= LP(L) expr(E) RP.         { A = ast_expr_paren(p, L, E); }
primary(A) ::= LP(L) rowlist(R) RP.      { A = ast_expr_row(p, L, R); }
primary(A) ::= LP(L) select(S) RP. [SUBQUERY]  { A = ast_expr_subquery(p, L, S); }
primary(A) ::= EXISTS(X) LP select(S) RP.      { A = ast_expr_exists(p, X, S); }

primary(A) ::= CASE(C) caseoperand(O) whenlist(W) caseelse(E) END.
    { A = ast_expr_case(p, C, O, W, E); }
primary(A) ::= CAST(C) LP expr(E) AS typename(T) RP.      { A = ast_expr_cast(p, C, E, T, false); }
primary(A) ::= TRY_CAST(C) LP expr(E) AS typename(T) RP.  { A = ast_expr_cast(p, C, E, T, true); }
primary(A) ::= EXTRACT(X) LP xfield(F) FROM expr(E) RP.   { A = ast_expr_extract(p, X, F, E); }

/* SUBSTRING, TRIM and POSITION become AST_FUNC nodes (see ast.h). */
primary(A) ::= SUBSTRING(S) LP expr(X) FROM expr(F) RP.
    { A = ast_expr_special(p, S, "SUBSTRING", 0, X, F, NULL); }
primary(A) ::= SUBSTRING(S) LP expr(X) FROM expr(F) FOR expr(L) RP.
    { A = ast_expr_special(p, S, "SUBSTRING", 0, X, F, L); }
primary(A) ::= SUBSTRING(S) LP expr(X) COMMA expr(F) RP.
    { A = ast_expr_special(p, S, "SUBSTRING", 0, X, F, NULL); }
primary(A) ::= SUBSTRING(S) LP expr(X) COMMA expr(F) COMMA expr(L) RP.
    { A = ast_expr_special(p, S, "SUBSTRING", 0, X, F, L); }
primary(A) ::= TRIM(T) LP expr(X) RP.
    { A = ast_expr_special(p, T, "TRIM", 0, X, NULL, NULL); }
primary(A) ::= TRIM(T) LP trimmode(M) FROM expr(X) RP.
    { A = ast_expr_special(p, T, "TRIM", M, X, NULL, NULL); }
primary(A) ::= TRIM(T) LP trimmode(M) expr(C) FROM expr(X) RP.
    { A = ast_expr_special(p, T, "TRIM", M, X, C, NULL); }
primary(A) ::= TRIM(T) LP expr(C) FROM expr(X) RP.
    { A = ast_expr_special(p, T, "TRIM", 0, X, C, NULL); }
/* The needle is a primary: an expression there would read IN as the
 * IN-list operator. */
primary(A) ::= POSITION(P) LP primary(N) IN expr(H) RP.
    { A = ast_expr_special(p, P, "POSITION", 0, N, H, NULL); }

/* Function calls, with FILTER (WHERE …) and OVER. */
primary(A) ::= fcall(A).
primary(A) ::= fcall(F) FILTER LP WHERE expr(C) RP.   { A = ast_expr_filter(p, F, C); }
primary(A) ::= fcall(F) over(O).                      { A = ast_expr_over(p, F, O); }
primary(A) ::= fcall(F) FILTER LP WHERE expr(C) RP over(O).
    { A = ast_expr_over(p, ast_expr_filter(p, F, C), O); }
primary(A) ::= niladic(N).               { A = ast_expr_niladic(p, N); }

%type fcall {ast_expr *}
fcall(A) ::= nm(N) LP RP.                        { A = ast_expr_func(p, N, NULL); }
fcall(A) ::= nm(N) LP STAR RP.                   { A = ast_expr_func_star(p, N); }
fcall(A) ::= nm(N) LP exprlist(L) RP.            { A = ast_expr_func(p, N, L); }
fcall(A) ::= nm(N) LP DISTINCT exprlist(L) RP.   { A = ast_expr_func_distinct(p, N, L); }

%type niladic {wr_tok}
niladic(A) ::= CURRENT_TIMESTAMP(A).
niladic(A) ::= CURRENT_DATE(A).
niladic(A) ::= CURRENT_TIME(A).
niladic(A) ::= LOCALTIMESTAMP(A).
niladic(A) ::= LOCALTIME(A).

%type trimmode {int}
trimmode(A) ::= BOTH.                    { A = 0; }
trimmode(A) ::= LEADING.                 { A = 1; }
trimmode(A) ::= TRAILING.                { A = 2; }

%type xfield {wr_tok}
xfield(A) ::= unit(A).
xfield(A) ::= nm(A).

caseoperand(A) ::= .                     { A = NULL; }
caseoperand(A) ::= expr(A).
%type whenlist {ast_list *}
whenlist(A) ::= WHEN expr(X) THEN expr(Y).
    { A = ast_list_add(p, ast_list_add(p, NULL, X), Y); }
whenlist(A) ::= whenlist(B) WHEN expr(X) THEN expr(Y).
    { A = ast_list_add(p, ast_list_add(p, B, X), Y); }
caseelse(A) ::= .                        { A = NULL; }
caseelse(A) ::= ELSE expr(E).            { A = E; }

/* INTERVAL '5' SECOND, INTERVAL '1:30' MINUTE TO SECOND, INTERVAL 5 SECOND */
%type interval {ast_expr *}
interval(A) ::= INTERVAL(I) STRING(S) unit(U).   { A = ast_expr_interval(p, I, S, U, ast_tok_none()); }
interval(A) ::= INTERVAL(I) STRING(S) unit(U) TO unit(V).  { A = ast_expr_interval(p, I, S, U, V); }
interval(A) ::= INTERVAL(I) INTEGER(S) unit(U).  { A = ast_expr_interval(p, I, S, U, ast_tok_none()); }

%type unit {wr_tok}
unit(A) ::= MILLISECOND(A).
unit(A) ::= MILLISECONDS(A).
unit(A) ::= SECOND(A).
unit(A) ::= SECONDS(A).
unit(A) ::= MINUTE(A).
unit(A) ::= MINUTES(A).
unit(A) ::= HOUR(A).
unit(A) ::= HOURS(A).
unit(A) ::= DAY(A).
unit(A) ::= DAYS(A).
unit(A) ::= WEEK(A).
unit(A) ::= WEEKS(A).
unit(A) ::= MONTH(A).
unit(A) ::= MONTHS(A).
unit(A) ::= YEAR(A).
unit(A) ::= YEARS(A).

/* Lists. */
%type exprlist {ast_list *}
exprlist(A) ::= expr(E).                       { A = ast_list_add(p, NULL, E); }
exprlist(A) ::= exprlist(B) COMMA expr(E).     { A = ast_list_add(p, B, E); }
/* A row value has at least two members. */
%type rowlist {ast_list *}
rowlist(A) ::= expr(X) COMMA expr(Y).          { A = ast_list_add(p, ast_list_add(p, NULL, X), Y); }
rowlist(A) ::= rowlist(B) COMMA expr(E).       { A = ast_list_add(p, B, E); }
%type nmlist {ast_list *}
nmlist(A) ::= nm(N).                           { A = ast_list_add_column(p, NULL, N); }
nmlist(A) ::= nmlist(B) COMMA nm(N).           { A = ast_list_add_column(p, B, N); }

/* ------------------------------------------------------------- types */

%type typename {ast_type}
typename(A) ::= typeword(W) tsuffix(S).
    { A = ast_type_make(p, W, ast_tok_none(), ast_tok_none(), S); }
typename(A) ::= typeword(W) LP INTEGER(P) RP tsuffix(S).
    { A = ast_type_make(p, W, P, ast_tok_none(), S); }
typename(A) ::= typeword(W) LP INTEGER(P) COMMA INTEGER(Q) RP tsuffix(S).
    { A = ast_type_make(p, W, P, Q, S); }
%type typeword {wr_tok}
typeword(A) ::= nm(A).
typeword(A) ::= TIMESTAMP(A).
typeword(A) ::= DATE(A).
typeword(A) ::= INTERVAL(A).
%type tsuffix {int}
tsuffix(A) ::= .                         { A = AST_TSUF_NONE; }
tsuffix(A) ::= PRECISION.                { A = AST_TSUF_PRECISION; }
tsuffix(A) ::= WITHOUT TIME ZONE.        { A = AST_TSUF_WITHOUT_TZ; }
tsuffix(A) ::= WITH LOCAL TIME ZONE.     { A = AST_TSUF_LOCAL_TZ; }

/* ------------------------------------------------------------- names */

%type nm {wr_tok}
nm(A) ::= ID(A).
