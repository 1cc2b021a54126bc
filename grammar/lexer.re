/*
 * lexer.re — the SQL tokenizer (re2c turns this file into lexer.c).
 *
 * wr_lex scans one token at a time from a (pointer, length) text that need
 * not be NUL-terminated: reading past the end yields the byte 0, and the
 * classes inside strings, quoted identifiers and comments exclude 0, so the
 * scanner stops at the end of the text (a real NUL byte in the text is
 * taken for the end of such a token, and elsewhere for a bad character).
 * Offsets are size_t, not pointers, so looking past the end is harmless.
 *
 * Keywords are case-insensitive re2c strings listed before the identifier
 * rule: on equal length the first rule wins, on unequal the longest, so
 * `select` is TK_SELECT and `selected` is TK_ID. White space, -- comments
 * and block comments are skipped here. The token codes come from parse.h,
 * which lemon generates from parse.y.
 */
#include "token.h"

#include "parse.h"

/* Finishes a plain token sql[start, end). */
static int token(wr_tok *tok, size_t start, size_t end, int code) {
  tok->off = (int32_t)start;
  tok->len = (int32_t)(end - start);
  tok->q = 0;
  return code;
}

/* Finishes a token sql[start, end) whose first and last bytes are quotes. */
static int quoted(wr_tok *tok, size_t start, size_t end, int code) {
  tok->off = (int32_t)start + 1;
  tok->len = (int32_t)(end - start) - 2;
  tok->q = 1;
  return code;
}

#define TOKEN(code) do { *pos = cur; return token(tok, start, cur, (code)); } while (0)
#define QUOTED(code) do { *pos = cur; return quoted(tok, start, cur, (code)); } while (0)
/* Words that introduce special function syntax (POSITION(a IN b), …) are
 * keywords only when a '(' follows; elsewhere they are names, so that a
 * column may be called `position`. */
#define FUNC_KEYWORD(code) do { *pos = cur; return token(tok, start, cur, paren_follows(s, len, cur) ? (code) : TK_ID); } while (0)
/* An unterminated string, identifier or comment swallows the rest. */
#define UNTERMINATED(code) do { *pos = len; return token(tok, start, start + 1, (code)); } while (0)

static int paren_follows(const unsigned char *s, size_t len, size_t i) {
  while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
  return i < len && s[i] == '(';
}

int wr_lex(const char *sql, size_t len, size_t *pos, wr_tok *tok) {
  const unsigned char *s = (const unsigned char *)sql;
  size_t cur = *pos, mar = cur, start;
  for (;;) {
    start = cur;
    /*!re2c
    re2c:api = custom;
    re2c:api:style = free-form;
    re2c:define:YYCTYPE = "unsigned char";
    re2c:define:YYPEEK = "(cur < len ? s[cur] : 0)";
    re2c:define:YYSKIP = "++cur;";
    re2c:define:YYBACKUP = "mar = cur;";
    re2c:define:YYRESTORE = "cur = mar;";
    re2c:yyfill:enable = 0;

    ident_start = [a-zA-Z_\x80-\xff];
    ident_char  = [a-zA-Z0-9_$\x80-\xff];
    digit       = [0-9];
    integer     = digit+;
    decimal     = digit+ "." digit* | "." digit+;
    exponent    = (integer | decimal) [eE] [+-]? digit+;

    [ \t\r\n\f\v]+                                { continue; }
    "--" [^\n\x00]*                               { continue; }
    "/*" ([^*\x00] | "*"+ [^*/\x00])* "*"+ "/"    { continue; }
    "/*"                                          { UNTERMINATED(WR_LEX_OPENCOMMENT); }

    ['] ([^'\x00] | ['][']) * [']                 { QUOTED(TK_STRING); }
    [']                                           { UNTERMINATED(WR_LEX_OPENSTRING); }
    ["] ([^"\x00] | ["]["]) * ["]                 { QUOTED(TK_ID); }
    [`] ([^`\x00] | [`][`]) * [`]                 { QUOTED(TK_ID); }
    ["`]                                          { UNTERMINATED(WR_LEX_OPENQUOTE); }

    integer                                       { TOKEN(TK_INTEGER); }
    decimal | exponent                            { TOKEN(TK_FLOAT); }
    (integer | decimal | exponent) ident_char+    { TOKEN(WR_LEX_BADNUMBER); }

    "+"          { TOKEN(TK_PLUS); }
    "-"          { TOKEN(TK_MINUS); }
    "*"          { TOKEN(TK_STAR); }
    "/"          { TOKEN(TK_SLASH); }
    "%"          { TOKEN(TK_REM); }
    "||"         { TOKEN(TK_CONCAT); }
    "=" | "=="   { TOKEN(TK_EQ); }
    "<>" | "!="  { TOKEN(TK_NE); }
    "<"          { TOKEN(TK_LT); }
    "<="         { TOKEN(TK_LE); }
    ">"          { TOKEN(TK_GT); }
    ">="         { TOKEN(TK_GE); }
    "("          { TOKEN(TK_LP); }
    ")"          { TOKEN(TK_RP); }
    ","          { TOKEN(TK_COMMA); }
    "."          { TOKEN(TK_DOT); }
    ";"          { TOKEN(TK_SEMI); }
    "=>"         { TOKEN(TK_ARROW); }
    "::"         { TOKEN(TK_DCOLON); }

    'advance'              { TOKEN(TK_ADVANCE); }
    'all'                  { TOKEN(TK_ALL); }
    'and'                  { TOKEN(TK_AND); }
    'as'                   { TOKEN(TK_AS); }
    'asc'                  { TOKEN(TK_ASC); }
    'between'              { TOKEN(TK_BETWEEN); }
    'both'                 { TOKEN(TK_BOTH); }
    'by'                   { TOKEN(TK_BY); }
    'case'                 { TOKEN(TK_CASE); }
    'cast'                 { TOKEN(TK_CAST); }
    'changes'              { TOKEN(TK_CHANGES); }
    'create'               { TOKEN(TK_CREATE); }
    'cross'                { TOKEN(TK_CROSS); }
    'current'              { TOKEN(TK_CURRENT); }
    'current_date'         { TOKEN(TK_CURRENT_DATE); }
    'current_time'         { TOKEN(TK_CURRENT_TIME); }
    'current_timestamp'    { TOKEN(TK_CURRENT_TIMESTAMP); }
    'date'                 { TOKEN(TK_DATE); }
    'day'                  { TOKEN(TK_DAY); }
    'days'                 { TOKEN(TK_DAYS); }
    'delete'               { TOKEN(TK_DELETE); }
    'desc'                 { TOKEN(TK_DESC); }
    'describe'             { TOKEN(TK_DESCRIBE); }
    'descriptor'           { TOKEN(TK_DESCRIPTOR); }
    'distinct'             { TOKEN(TK_DISTINCT); }
    'drop'                 { TOKEN(TK_DROP); }
    'else'                 { TOKEN(TK_ELSE); }
    'emit'                 { TOKEN(TK_EMIT); }
    'end'                  { TOKEN(TK_END); }
    'enforced'             { TOKEN(TK_ENFORCED); }
    'escape'               { TOKEN(TK_ESCAPE); }
    'every'                { TOKEN(TK_EVERY); }
    'exists'               { TOKEN(TK_EXISTS); }
    'explain'              { TOKEN(TK_EXPLAIN); }
    'extract'              { FUNC_KEYWORD(TK_EXTRACT); }
    'false'                { TOKEN(TK_FALSE); }
    'filter'               { TOKEN(TK_FILTER); }
    'final'                { TOKEN(TK_FINAL); }
    'first'                { TOKEN(TK_FIRST); }
    'following'            { TOKEN(TK_FOLLOWING); }
    'for'                  { TOKEN(TK_FOR); }
    'from'                 { TOKEN(TK_FROM); }
    'full'                 { TOKEN(TK_FULL); }
    'functions'            { TOKEN(TK_FUNCTIONS); }
    'gap'                  { TOKEN(TK_GAP); }
    'grace'                { TOKEN(TK_GRACE); }
    'group'                { TOKEN(TK_GROUP); }
    'having'               { TOKEN(TK_HAVING); }
    'hopping'              { TOKEN(TK_HOPPING); }
    'hour'                 { TOKEN(TK_HOUR); }
    'hours'                { TOKEN(TK_HOURS); }
    'if'                   { TOKEN(TK_IF); }
    'in'                   { TOKEN(TK_IN); }
    'inner'                { TOKEN(TK_INNER); }
    'insert'               { TOKEN(TK_INSERT); }
    'interval'             { TOKEN(TK_INTERVAL); }
    'into'                 { TOKEN(TK_INTO); }
    'is'                   { TOKEN(TK_IS); }
    'join'                 { TOKEN(TK_JOIN); }
    'key'                  { TOKEN(TK_KEY); }
    'last'                 { TOKEN(TK_LAST); }
    'leading'              { TOKEN(TK_LEADING); }
    'left'                 { TOKEN(TK_LEFT); }
    'like'                 { TOKEN(TK_LIKE); }
    'limit'                { TOKEN(TK_LIMIT); }
    'local'                { TOKEN(TK_LOCAL); }
    'localtime'            { TOKEN(TK_LOCALTIME); }
    'localtimestamp'       { TOKEN(TK_LOCALTIMESTAMP); }
    'millisecond'          { TOKEN(TK_MILLISECOND); }
    'milliseconds'         { TOKEN(TK_MILLISECONDS); }
    'minute'               { TOKEN(TK_MINUTE); }
    'minutes'              { TOKEN(TK_MINUTES); }
    'month'                { TOKEN(TK_MONTH); }
    'months'               { TOKEN(TK_MONTHS); }
    'not'                  { TOKEN(TK_NOT); }
    'null'                 { TOKEN(TK_NULL); }
    'nulls'                { TOKEN(TK_NULLS); }
    'of'                   { TOKEN(TK_OF); }
    'on'                   { TOKEN(TK_ON); }
    'or'                   { TOKEN(TK_OR); }
    'order'                { TOKEN(TK_ORDER); }
    'outer'                { TOKEN(TK_OUTER); }
    'over'                 { TOKEN(TK_OVER); }
    'partition'            { TOKEN(TK_PARTITION); }
    'period'               { TOKEN(TK_PERIOD); }
    'position'             { FUNC_KEYWORD(TK_POSITION); }
    'preceding'            { TOKEN(TK_PRECEDING); }
    'precision'            { TOKEN(TK_PRECISION); }
    'primary'              { TOKEN(TK_PRIMARY); }
    'queries'              { TOKEN(TK_QUERIES); }
    'range'                { TOKEN(TK_RANGE); }
    'replace'              { TOKEN(TK_REPLACE); }
    'retention'            { TOKEN(TK_RETENTION); }
    'right'                { TOKEN(TK_RIGHT); }
    'row'                  { TOKEN(TK_ROW); }
    'rows'                 { TOKEN(TK_ROWS); }
    'second'               { TOKEN(TK_SECOND); }
    'seconds'              { TOKEN(TK_SECONDS); }
    'select'               { TOKEN(TK_SELECT); }
    'session'              { TOKEN(TK_SESSION); }
    'set'                  { TOKEN(TK_SET); }
    'show'                 { TOKEN(TK_SHOW); }
    'size'                 { TOKEN(TK_SIZE); }
    'stream'               { TOKEN(TK_STREAM); }
    'streams'              { TOKEN(TK_STREAMS); }
    'substring'            { FUNC_KEYWORD(TK_SUBSTRING); }
    'system_time'          { TOKEN(TK_SYSTEM_TIME); }
    'table'                { TOKEN(TK_TABLE); }
    'tables'               { TOKEN(TK_TABLES); }
    'then'                 { TOKEN(TK_THEN); }
    'time'                 { TOKEN(TK_TIME); }
    'timestamp'            { TOKEN(TK_TIMESTAMP); }
    'to'                   { TOKEN(TK_TO); }
    'trailing'             { TOKEN(TK_TRAILING); }
    'trim'                 { FUNC_KEYWORD(TK_TRIM); }
    'true'                 { TOKEN(TK_TRUE); }
    'try_cast'             { TOKEN(TK_TRY_CAST); }
    'tumbling'             { TOKEN(TK_TUMBLING); }
    'unbounded'            { TOKEN(TK_UNBOUNDED); }
    'union'                { TOKEN(TK_UNION); }
    'using'                { TOKEN(TK_USING); }
    'values'               { TOKEN(TK_VALUES); }
    'view'                 { TOKEN(TK_VIEW); }
    'views'                { TOKEN(TK_VIEWS); }
    'watermark'            { TOKEN(TK_WATERMARK); }
    'week'                 { TOKEN(TK_WEEK); }
    'weeks'                { TOKEN(TK_WEEKS); }
    'when'                 { TOKEN(TK_WHEN); }
    'where'                { TOKEN(TK_WHERE); }
    'window'               { TOKEN(TK_WINDOW); }
    'with'                 { TOKEN(TK_WITH); }
    'within'               { TOKEN(TK_WITHIN); }
    'without'              { TOKEN(TK_WITHOUT); }
    'year'                 { TOKEN(TK_YEAR); }
    'years'                { TOKEN(TK_YEARS); }
    'zone'                 { TOKEN(TK_ZONE); }

    ident_start ident_char*                       { TOKEN(TK_ID); }

    [\x00] {
      if (start >= len) {
        *pos = len;
        return token(tok, len, len, WR_LEX_END);
      }
      TOKEN(WR_LEX_BADCHAR);
    }
    *                                             { TOKEN(WR_LEX_BADCHAR); }
    */
  }
}
