package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
)

// bigResult is n flagged inviters with 1-3 invites each.
func bigResult(n int) *hunt.Result {
	p := hunt.DefaultParams()
	res := &hunt.Result{Params: p, AsOf: t0, Coverage: hunt.Coverage{BaselineCovered: true}}
	for i := range n {
		upn := fmt.Sprintf("inviter%06d@contoso.onmicrosoft.com", i)
		at := t0.Add(-time.Duration(i) * time.Second)
		s := summary(upn, 1+i%3, at)
		s.SourceIPs = []string{fmt.Sprintf("203.0.113.%d", i%250)}
		s.GuestDomains = []string{fmt.Sprintf("g%d-example.com", i)}
		res.Inviters = append(res.Inviters, s)
		for j := range 1 + i%3 {
			res.Rows = append(res.Rows, alert(upn, fmt.Sprintf("g%d_%d_example.com#EXT#@contoso.onmicrosoft.com", i, j), at))
		}
	}
	return res
}

// BenchmarkFilter100kInviters: the row builder run by one key press in the
// filter box over 100,000 inviters, a needle that matches no column.
func BenchmarkFilter100kInviters(b *testing.B) {
	all := bigResult(100000).Inviters
	hay := inviterHaystacks(all)
	b.ReportAllocs()
	for b.Loop() {
		if r := newInviterRowsIndexed(all, hay, "northwindtraders-secure", -1, false, triageView{}); r.Len() != 0 {
			b.Fatal(r.Len())
		}
	}
}

// BenchmarkKeyPress100kInviters: one key press through the root model (route,
// table, guests pane follow) plus the full View, with 100,000 inviters in the
// pane at 160x40. The budget is 16 ms (one frame at 60 Hz).
func BenchmarkKeyPress100kInviters(b *testing.B) {
	const n = 100000
	p := hunt.DefaultParams()
	res := bigResult(n)
	var pts []hunt.SensitivityPoint
	for d := 1; d <= 90; d++ {
		pts = append(pts, hunt.SensitivityPoint{BaselineDays: d, Inviters: n - d, Covered: d < 40})
	}
	var m tea.Model = New(Deps{Params: p, IsDark: true})
	for _, msg := range []tea.Msg{tea.WindowSizeMsg{Width: 160, Height: 40}, runMsg{seq: 1, params: p, res: res}, sensMsg{seq: 2, params: p, points: pts}} {
		m, _ = m.Update(msg)
	}
	if m.(Model).rows.Len() != n {
		b.Fatalf("%d rows", m.(Model).rows.Len())
	}
	down := press("j")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m, _ = m.Update(down)
		_ = m.View()
	}
	if per := b.Elapsed() / time.Duration(b.N); per > 16*time.Millisecond {
		b.Errorf("%s per key press, budget 16ms", per)
	}
}

// BenchmarkFilterKeyPress100kInviters: one key typed into the filter box
// (alternately a letter and backspace) through the root model, refiltering
// 100,000 inviters, plus the full View. The budget is 16 ms.
func BenchmarkFilterKeyPress100kInviters(b *testing.B) {
	const n = 100000
	p := hunt.DefaultParams()
	var m tea.Model = New(Deps{Params: p, IsDark: true})
	for _, msg := range []tea.Msg{tea.WindowSizeMsg{Width: 160, Height: 40}, runMsg{seq: 1, params: p, res: bigResult(n)}, press("/")} {
		m, _ = m.Update(msg)
	}
	for _, r := range "northwind" {
		m, _ = m.Update(press(string(r)))
	}
	keys := []tea.Msg{press("x"), press("backspace")}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m, _ = m.Update(keys[i%2])
		_ = m.View()
		i++
	}
	if per := b.Elapsed() / time.Duration(b.N); per > 16*time.Millisecond {
		b.Errorf("%s per key press, budget 16ms", per)
	}
}
