package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// MaxQueryRows caps what ReadOnlyQuery returns, so a careless SELECT * over a
// million events cannot exhaust memory; the cap is reported, not silent.
const MaxQueryRows = 100_000

// QueryResult is an ad-hoc query's answer.
type QueryResult struct {
	Columns   []string
	Rows      [][]any
	Truncated bool // more rows existed than MaxQueryRows
}

// ErrRefused marks a query ReadOnlyQuery would not run.
var ErrRefused = errors.New("refused")

// ReadOnlyQuery runs one SELECT statement for a power user.
//
// The text is split into statements by DuckDB's own parser before anything
// runs; anything but exactly one statement of type SELECT (writes, DDL,
// ATTACH, COPY, INSTALL/LOAD, SET, PRAGMA, CALL, EXPLAIN, transactions,
// several statements) is refused with the reason, wrapping ErrRefused.
//
// Before the first query the store's database is locked down for the rest of
// its life: no external access (no file reading or writing functions, no
// COPY, no ATTACH of files), no extension install or autoload, and the
// configuration locked so no statement can undo that. A store that has run
// ReadOnlyQuery can therefore load nothing more and attach no verdict file;
// the sql command uses a store for this one query only. The accepted
// statement runs in a transaction that is rolled back.
func (s *Store) ReadOnlyQuery(ctx context.Context, query string) (QueryResult, error) {
	var res QueryResult
	n, err := countStatements(query)
	if err != nil {
		if isSelectKeyword(firstKeyword(query)) {
			return res, err // the analyst's SELECT has a mistake: DuckDB's message says which
		}
		kw := firstKeyword(query)
		return res, fmt.Errorf("%w: %s", ErrRefused, refusalReason(keywordKinds[kw], kw))
	}
	switch {
	case n == 0:
		return res, fmt.Errorf("%w: no statement; give one SELECT", ErrRefused)
	case n > 1:
		return res, fmt.Errorf("%w: %d statements; run one SELECT at a time", ErrRefused, n)
	}
	if err := s.sandbox(ctx); err != nil {
		return res, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	if err := conn.Raw(func(dc any) error { return checkSelect(dc, query) }); err != nil {
		return res, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	if res.Columns, err = rows.Columns(); err != nil {
		return res, err
	}
	for rows.Next() {
		if len(res.Rows) == MaxQueryRows {
			res.Truncated = true
			break
		}
		vals := make([]any, len(res.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return res, err
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rows.Err()
}

// sandboxSettings lock the database down for ad-hoc queries. They are
// database-wide settings in DuckDB (not per connection); external access can
// be switched off while the database runs but never on again, and
// lock_configuration, last, refuses every later SET.
var sandboxSettings = []string{
	`SET enable_external_access = false`,
	`SET autoinstall_known_extensions = false`,
	`SET autoload_known_extensions = false`,
	`SET lock_configuration = true`,
}

func (s *Store) sandbox(ctx context.Context) error {
	s.sandboxOnce.Do(func() {
		for _, stmt := range sandboxSettings {
			if _, err := s.db.ExecContext(ctx, stmt); err != nil {
				s.sandboxErr = fmt.Errorf("lock the database down for sql (%s): %w", stmt, err)
				return
			}
		}
	})
	return s.sandboxErr
}

// parser is a DuckDB connection used only to split SQL text into statements
// (DuckDB's extract-statements API parses, it never runs anything). It is an
// empty in-memory database of its own, opened once, because the driver's
// connections do not expose the call.
var parser struct {
	once sync.Once
	mu   sync.Mutex
	db   mapping.Database
	conn mapping.Connection
	err  error
}

// countStatements is how many statements DuckDB's parser finds in query.
func countStatements(query string) (int, error) {
	parser.once.Do(func() {
		// Parsing can touch files (IMPORT DATABASE reads its scripts while
		// statements are extracted), so the parser is locked down as well.
		var config mapping.Config
		if mapping.CreateConfig(&config) == mapping.StateError {
			parser.err = errors.New("cannot configure DuckDB's SQL parser")
			return
		}
		defer mapping.DestroyConfig(&config)
		for _, kv := range [][2]string{
			{"enable_external_access", "false"},
			{"autoinstall_known_extensions", "false"},
			{"autoload_known_extensions", "false"},
			{"lock_configuration", "true"},
		} {
			if mapping.SetConfig(config, kv[0], kv[1]) == mapping.StateError {
				parser.err = fmt.Errorf("cannot configure DuckDB's SQL parser (%s)", kv[0])
				return
			}
		}
		var msg string
		if mapping.OpenExt("", &parser.db, config, &msg) == mapping.StateError {
			parser.err = fmt.Errorf("cannot start DuckDB's SQL parser: %s", msg)
			return
		}
		if mapping.Connect(parser.db, &parser.conn) == mapping.StateError {
			parser.err = errors.New("cannot connect to DuckDB's SQL parser")
		}
	})
	if parser.err != nil {
		return 0, parser.err
	}
	parser.mu.Lock()
	defer parser.mu.Unlock()
	var stmts mapping.ExtractedStatements
	n := mapping.ExtractStatements(parser.conn, query, &stmts)
	defer mapping.DestroyExtracted(&stmts)
	if n == 0 {
		if msg := mapping.ExtractStatementsError(stmts); msg != "" {
			return 0, errors.New(msg)
		}
	}
	return int(n), nil
}

// checkSelect prepares the one statement in query on dc (preparing runs
// nothing) and refuses it unless DuckDB says it is a SELECT.
func checkSelect(dc any, query string) error {
	conn, ok := dc.(*duckdb.Conn)
	if !ok {
		return fmt.Errorf("cannot inspect statements on this connection")
	}
	// Prepare, unlike PrepareContext, refuses several statements instead of
	// executing all but the last.
	st, err := conn.Prepare(query)
	if err != nil {
		if kw := firstKeyword(query); !isSelectKeyword(kw) {
			return fmt.Errorf("%w: %s", ErrRefused, refusalReason(keywordKinds[kw], kw))
		}
		return err // the analyst's SELECT has a mistake: DuckDB's message says which
	}
	defer st.Close()
	ds, ok := st.(*duckdb.Stmt)
	if !ok {
		return fmt.Errorf("cannot inspect statement type")
	}
	kind, err := ds.StatementType()
	if err != nil {
		return err
	}
	if kind == duckdb.STATEMENT_TYPE_SELECT {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrRefused, refusalReason(kind, firstKeyword(query)))
}

// refusalReason says why a statement of this kind is not run; kw is the
// statement's first word, which names it the way the analyst wrote it.
func refusalReason(kind duckdb.StmtType, kw string) string {
	if kw == "" || kw == "(" || kw == "WITH" {
		kw = "this statement"
		if name, ok := statementNames[kind]; ok {
			kw = name
		}
	}
	switch kind {
	case duckdb.STATEMENT_TYPE_INSERT, duckdb.STATEMENT_TYPE_UPDATE, duckdb.STATEMENT_TYPE_DELETE,
		duckdb.STATEMENT_TYPE_CREATE, duckdb.STATEMENT_TYPE_CREATE_FUNC, duckdb.STATEMENT_TYPE_DROP,
		duckdb.STATEMENT_TYPE_ALTER, duckdb.STATEMENT_TYPE_VACUUM, duckdb.STATEMENT_TYPE_ANALYZE:
		return kw + " changes the case file; sql only reads"
	case duckdb.STATEMENT_TYPE_COPY, duckdb.STATEMENT_TYPE_EXPORT:
		return kw + " reads or writes files; sql only reads the case file"
	case duckdb.STATEMENT_TYPE_ATTACH, duckdb.STATEMENT_TYPE_DETACH:
		return kw + " opens or closes other databases; sql only reads the case file"
	case duckdb.STATEMENT_TYPE_LOAD, duckdb.STATEMENT_TYPE_EXTENSION:
		return kw + " installs or loads extensions; sql only reads"
	case duckdb.STATEMENT_TYPE_SET, duckdb.STATEMENT_TYPE_VARIABLE_SET:
		return kw + " changes settings; sql runs one SELECT"
	case duckdb.STATEMENT_TYPE_PRAGMA, duckdb.STATEMENT_TYPE_CALL:
		return kw + " runs a procedure or changes settings; sql runs one SELECT"
	case duckdb.STATEMENT_TYPE_TRANSACTION:
		return kw + " controls transactions; sql runs one SELECT in a transaction of its own"
	case duckdb.STATEMENT_TYPE_EXPLAIN:
		return "EXPLAIN is not run (EXPLAIN ANALYZE would execute its statement); run the SELECT itself"
	default:
		return kw + " is not a SELECT; sql only reads"
	}
}

// isSelectKeyword says whether a statement starting with kw is meant as a
// query, so that an error in it is the analyst's to read, not a refusal.
func isSelectKeyword(kw string) bool {
	switch kw {
	case "SELECT", "WITH", "FROM", "VALUES", "TABLE", "PIVOT", "UNPIVOT", "SUMMARIZE", "DESCRIBE", "SHOW", "(":
		return true
	}
	return false
}

// keywordKinds name the kind of a statement DuckDB could not even prepare
// (preparing COPY TO a file already fails without external access), for the
// refusal's reason.
var keywordKinds = map[string]duckdb.StmtType{
	"INSERT": duckdb.STATEMENT_TYPE_INSERT, "UPDATE": duckdb.STATEMENT_TYPE_UPDATE,
	"DELETE": duckdb.STATEMENT_TYPE_DELETE, "CREATE": duckdb.STATEMENT_TYPE_CREATE,
	"DROP": duckdb.STATEMENT_TYPE_DROP, "ALTER": duckdb.STATEMENT_TYPE_ALTER,
	"VACUUM": duckdb.STATEMENT_TYPE_VACUUM, "ANALYZE": duckdb.STATEMENT_TYPE_ANALYZE,
	"CHECKPOINT": duckdb.STATEMENT_TYPE_VACUUM, "FORCE": duckdb.STATEMENT_TYPE_VACUUM,
	"COPY": duckdb.STATEMENT_TYPE_COPY, "EXPORT": duckdb.STATEMENT_TYPE_EXPORT,
	"IMPORT": duckdb.STATEMENT_TYPE_COPY, "ATTACH": duckdb.STATEMENT_TYPE_ATTACH,
	"DETACH": duckdb.STATEMENT_TYPE_DETACH, "USE": duckdb.STATEMENT_TYPE_ATTACH,
	"INSTALL": duckdb.STATEMENT_TYPE_EXTENSION, "LOAD": duckdb.STATEMENT_TYPE_LOAD,
	"SET": duckdb.STATEMENT_TYPE_SET, "RESET": duckdb.STATEMENT_TYPE_SET,
	"PRAGMA": duckdb.STATEMENT_TYPE_PRAGMA, "CALL": duckdb.STATEMENT_TYPE_CALL,
	"BEGIN": duckdb.STATEMENT_TYPE_TRANSACTION, "START": duckdb.STATEMENT_TYPE_TRANSACTION,
	"COMMIT": duckdb.STATEMENT_TYPE_TRANSACTION, "END": duckdb.STATEMENT_TYPE_TRANSACTION,
	"ROLLBACK": duckdb.STATEMENT_TYPE_TRANSACTION, "ABORT": duckdb.STATEMENT_TYPE_TRANSACTION,
	"EXPLAIN": duckdb.STATEMENT_TYPE_EXPLAIN,
}

// statementNames name statement types for refusals whose text does not start
// with their keyword (WITH ... DELETE).
var statementNames = map[duckdb.StmtType]string{
	duckdb.STATEMENT_TYPE_INSERT: "INSERT",
	duckdb.STATEMENT_TYPE_UPDATE: "UPDATE",
	duckdb.STATEMENT_TYPE_DELETE: "DELETE",
	duckdb.STATEMENT_TYPE_CREATE: "CREATE",
	duckdb.STATEMENT_TYPE_COPY:   "COPY",
}

// firstKeyword is the first word of query, upper-cased, after whitespace and
// comments ("(" for a parenthesised query).
func firstKeyword(query string) string {
	q := query
	for {
		q = strings.TrimLeft(q, " \t\r\n\f\v")
		switch {
		case strings.HasPrefix(q, "--"):
			if i := strings.IndexByte(q, '\n'); i >= 0 {
				q = q[i+1:]
				continue
			}
			return ""
		case strings.HasPrefix(q, "/*"):
			if i := strings.Index(q[2:], "*/"); i >= 0 {
				q = q[i+4:]
				continue
			}
			return ""
		case strings.HasPrefix(q, "("):
			return "("
		}
		break
	}
	end := strings.IndexFunc(q, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_')
	})
	if end < 0 {
		end = len(q)
	}
	return strings.ToUpper(q[:end])
}
