package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

func newPullStatusCommand(io streams) *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "status --db FILE",
		Short: "Show a case file's pulls: plan, chunks, coverage",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if db == "" {
				return usagef("pull status needs --db FILE")
			}
			st, err := store.OpenReadOnly(db)
			if err != nil {
				return usageError{explainLock(err)}
			}
			defer st.Close()
			return writePullStatus(cmd.Context(), io, st)
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "the case file")
	return cmd
}

func writePullStatus(ctx context.Context, io streams, st *store.Store) error {
	pulls, err := st.Pulls(ctx)
	if err != nil {
		return err
	}
	cov, err := st.Coverage(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	if len(pulls) == 0 {
		b.WriteString("no pulls in this case file\n")
	}
	for _, p := range pulls {
		chunks, err := st.PullChunks(ctx, p.ID)
		if err != nil {
			return err
		}
		state := "complete"
		if !p.Complete {
			state = "INCOMPLETE: run guesthunt pull --db " + st.Path() + " to resume"
		}
		src := "workspace " + p.Target
		if p.Source == "graph" {
			src = "Microsoft Graph directoryAudits"
		}
		fmt.Fprintf(&b, "pull %d: %s (%s cloud), scope %s, [%s, %s), started %s: %s\n", p.ID, src, p.Cloud, p.Scope,
			hunt.TableTime(p.From), hunt.TableTime(p.To), hunt.TableTime(p.CreatedAt), state)
		var rows, bytes int64
		counts := map[store.ChunkState]int{}
		for _, c := range chunks {
			counts[c.State]++
			rows += c.Rows
			bytes += c.Bytes
			line := fmt.Sprintf("  %4d  %s  %s  %-8s %8d rows %9s", c.Seq, hunt.TableTime(c.From), hunt.TableTime(c.To), c.State, c.Rows, humanBytes(c.Bytes))
			if c.Provisional {
				line += "  provisional"
			}
			if c.Attempts > 0 {
				line += fmt.Sprintf("  %d failed attempts", c.Attempts)
			}
			if c.LastError != "" && c.State != store.ChunkLoaded {
				line += ": " + c.LastError
			}
			b.WriteString(line + "\n")
		}
		fmt.Fprintf(&b, "  %d chunks: %d loaded, %d fetched, %d planned · %d rows · %s\n", len(chunks),
			counts[store.ChunkLoaded], counts[store.ChunkFetched], counts[store.ChunkPlanned], rows, humanBytes(bytes))
		writePullCoverage(&b, st.Path(), p, cov)
	}
	sum, err := st.Summary(ctx)
	if err != nil {
		return err
	}
	if !sum.From.IsZero() {
		fmt.Fprintf(&b, "coverage: %s to %s, %d events\n", hunt.TableTime(sum.From), hunt.TableTime(sum.To), sum.Events)
	}
	// Line by line: safe escapes a newline too, and the report is lines.
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if line == "" {
			continue
		}
		if _, err := fmt.Fprintln(io.out, io.safe(strings.TrimSuffix(line, "\n"))); err != nil {
			return err
		}
	}
	return nil
}

// writePullCoverage lists the pull's stretches (store.Coverage): what the
// hunt can trust, what is a hole, and what may still grow.
func writePullCoverage(b *strings.Builder, db string, p store.Pull, cov []store.PullCoverage) {
	b.WriteString("  coverage:\n")
	for _, c := range cov {
		if c.PullID != p.ID {
			continue
		}
		state, note := "loaded", ""
		switch {
		case !c.Loaded:
			state, note = "gap", ": not loaded; run guesthunt pull --db "+db+" to finish it"
		case c.Provisional:
			state = "provisional"
			note = fmt.Sprintf(": rows after %s may still be arriving; guesthunt pull --db %s --refresh", hunt.TableTime(c.SettledBefore), db)
		}
		chunks := "1 chunk"
		if c.Chunks != 1 {
			chunks = fmt.Sprintf("%d chunks", c.Chunks)
		}
		fmt.Fprintf(b, "    %-11s  %s  %s  %s%s\n", state, hunt.TableTime(c.From), hunt.TableTime(c.To), chunks, note)
	}
	if p.Scope == hunt.ScopeInvites {
		b.WriteString("  scope invites: other operations (the guest trail's redemptions, grants, deletions) not pulled\n")
	}
	if p.Source == store.PullSourceGraph {
		b.WriteString("  Microsoft Graph rows carry no workspace columns: TenantId, ResourceId and the like are empty\n")
	}
}
