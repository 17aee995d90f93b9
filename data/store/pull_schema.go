package store

import (
	"context"
	"errors"
	"fmt"
)

// The pull journal's tables. They are created IF NOT EXISTS by every ModeLoad
// open, so a case file made before pulls existed gains them without a new
// schema version; a file opened otherwise may lack them, which readers take
// as "no pulls". Times are TIMESTAMP_NS written through make_timestamp_ns and
// read through epoch_ns: exact to the 100 ns tick, which binding a time.Time
// is not for every instant.
func pullTableStatements() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS _Pulls (
			PullId BIGINT PRIMARY KEY,
			Source VARCHAR NOT NULL, -- la, graph
			Target VARCHAR NOT NULL,
			Cloud VARCHAR NOT NULL,
			Scope VARCHAR NOT NULL,
			FromTime TIMESTAMP_NS NOT NULL,
			ToTime TIMESTAMP_NS NOT NULL, -- exclusive
			QueryText VARCHAR NOT NULL,
			CreatedAt TIMESTAMP_NS NOT NULL,
			SettleNs BIGINT NOT NULL,
			Complete BOOLEAN NOT NULL DEFAULT false)`,
		`CREATE TABLE IF NOT EXISTS _PullChunks (
			PullId BIGINT NOT NULL,
			Seq BIGINT NOT NULL,
			FromTime TIMESTAMP_NS NOT NULL,
			ToTime TIMESTAMP_NS NOT NULL, -- exclusive
			State VARCHAR NOT NULL, -- planned, fetched, loaded
			PlannedRows BIGINT NOT NULL,
			PlannedBytes BIGINT NOT NULL,
			Rows BIGINT NOT NULL,
			Bytes BIGINT NOT NULL,
			SourceId INTEGER, -- the _Sources row of its events, once loaded
			Attempts INTEGER NOT NULL,
			LastError VARCHAR NOT NULL,
			RawPath VARCHAR NOT NULL,
			Sha256 VARCHAR NOT NULL,
			Provisional BOOLEAN NOT NULL,
			PRIMARY KEY (PullId, Seq))`,
	}
}

// ErrPullReadOnly is what every journal method (FindPull, CreatePull, ...,
// FinishPull) returns on a store opened read-only: a pull that could not
// record its chunks must not start.
var ErrPullReadOnly = errors.New("pulls cannot be recorded: the case file is open read-only (it is not writable, or it is on read-only media)")

// hasPullTables says whether the journal's tables exist; with create it
// creates them (a pull into a file opened for verdicts that predates pulls).
func (s *Store) hasPullTables(ctx context.Context, create bool) (bool, error) {
	if s.pullTables.Load() {
		return true, nil
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN ('_Pulls', '_PullChunks')`).
		Scan(&n); err != nil {
		return false, fmt.Errorf("look up the pull journal: %w", err)
	}
	if n == 2 {
		s.pullTables.Store(true)
		return true, nil
	}
	if !create || s.ReadOnly() {
		return false, nil
	}
	for _, stmt := range pullTableStatements() {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("create the pull journal: %w", err)
		}
	}
	s.pullTables.Store(true)
	return true, nil
}

// journal is the check every journal method starts with: the store can be
// written and holds the journal's tables.
func (s *Store) journal(ctx context.Context) error {
	if s.ReadOnly() {
		return ErrPullReadOnly
	}
	ok, err := s.hasPullTables(ctx, true)
	if err == nil && !ok {
		err = errors.New("the case file has no pull journal")
	}
	return err
}
