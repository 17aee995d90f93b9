package hunt

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestReportWarnings(t *testing.T) {
	r := Report{Params: DefaultParams(), AsOf: asOfT(), Warnings: []Warning{
		{WarnAsOfAfterData, "as-of is 31d after the last event (2026-09-14T12:00:00Z)"},
		{WarnWindowEmpty, "the detection window (a .. b] holds no audit events at all"},
	}}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	first := strings.Index(md.String(), "> **Warning:** as-of is 31d after the last event")
	if first < 0 || first > strings.Index(md.String(), "## Parameters") {
		t.Errorf("warnings are not at the top:\n%s", md.String())
	}
	var js bytes.Buffer
	if err := WriteReportJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var got struct{ Warnings []struct{ Kind, Text string } }
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Warnings) != 2 || got.Warnings[0].Kind != "as-of-after-data" || got.Warnings[1].Kind != "window-empty" ||
		got.Warnings[1].Text != r.Warnings[1].Text {
		t.Errorf("JSON warnings %+v", got.Warnings)
	}
	js.Reset()
	WriteReportJSON(&js, Report{})
	if !strings.Contains(js.String(), `"warnings": []`) {
		t.Errorf("no warnings is not an empty array: %s", js.String())
	}
}
