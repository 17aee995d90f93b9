package hunt

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzAlertsFromTable feeds random cells (any JSON values, decoded with and
// without json.Number) in the 41 columns, in random order: the mapping
// must never panic, and what it accepts must map back the same from its
// own Kusto serialisation.
func FuzzAlertsFromTable(f *testing.F) {
	f.Add([]byte(`[["2026-10-15T11:22:33.1234567Z","Invite external user","success","g","","a@c.com",null,1,"x",{"a":[1,"2"]},"[1,2]","1730000000000000001"]]`), uint8(0))
	f.Add([]byte(`[[null,null,null],[1e400]]`), uint8(3))
	f.Add([]byte(`[["2026-10-15 11:22:33+02","","","","","",true,false,-0,"\u0000",[],{}]]`), uint8(7))
	f.Fuzz(func(t *testing.T, body []byte, rot uint8) {
		for _, useNumber := range []bool{false, true} {
			dec := json.NewDecoder(bytes.NewReader(body))
			if useNumber {
				dec.UseNumber()
			}
			var cells [][]any
			if dec.Decode(&cells) != nil {
				return
			}
			cols := AlertColumns()
			r := int(rot) % len(cols)
			cols = append(cols[r:], cols[:r]...) // any column order
			tbl := RemoteTable{Columns: cols}
			for _, row := range cells {
				full := make([]any, len(cols))
				copy(full, row)
				tbl.Rows = append(tbl.Rows, full)
			}
			alerts, err := AlertsFromTable(tbl)
			_ = TableWarnings(tbl)
			if err != nil {
				continue
			}
			back, err := AlertsFromTable(tableOf(t, alerts, true))
			if err != nil {
				t.Fatalf("accepted rows do not map back: %v", err)
			}
			requireSameAlerts(t, back, alerts)
			_ = Verify(alerts, back).Sentences()
		}
	})
}
