package ui

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

// allStyles walks Styles (and nested style structs) by reflection, so a style
// added later is checked without editing this test.
func allStyles(v reflect.Value, path string, f func(string, lipgloss.Style)) {
	if s, ok := v.Interface().(lipgloss.Style); ok {
		f(path, s)
		return
	}
	if v.Kind() == reflect.Struct {
		for i := 0; i < v.NumField(); i++ {
			allStyles(v.Field(i), path+"."+v.Type().Field(i).Name, f)
		}
	}
}

var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// colourParam reports SGR parameters that set a colour.
func colourParam(p string) bool {
	if strings.HasPrefix(p, "38") || strings.HasPrefix(p, "48") || strings.HasPrefix(p, "58") {
		return true
	}
	switch len(p) {
	case 2:
		return p[0] >= '3' && p[0] <= '4' || p[0] == '9' // 30-49, 90-97
	case 3:
		return p[0] == '1' && p[1] == '0' // 100-107
	}
	return false
}

func TestNoColorHasNoColours(t *testing.T) {
	allStyles(reflect.ValueOf(NewStyles(true, true)), "Styles", func(path string, s lipgloss.Style) {
		out := s.Render("x")
		for _, m := range sgr.FindAllStringSubmatch(out, -1) {
			for _, p := range strings.Split(m[1], ";") {
				if colourParam(p) && p != "39" && p != "49" {
					t.Errorf("%s sets colour %q under NO_COLOR: %q", path, p, out)
				}
			}
		}
	})
}

func TestLightAndDarkDiffer(t *testing.T) {
	light, dark := NewStyles(false, false), NewStyles(true, false)
	if light.Table.Selected.Render("x") == dark.Table.Selected.Render("x") {
		t.Fatal("selected row looks the same on light and dark backgrounds")
	}
	if light.Title.Render("x") == dark.Title.Render("x") {
		t.Fatal("title looks the same on light and dark backgrounds")
	}
}

func TestSelectedRowVisibleInEveryTheme(t *testing.T) {
	for _, st := range []Styles{NewStyles(false, false), NewStyles(true, false), NewStyles(true, true)} {
		if st.Table.Selected.Render("x") == st.Table.Cell.Render("x") {
			t.Fatal("selected row indistinguishable from other rows")
		}
		if st.Marker.Render("x") == "x" || st.Table.Marker.Render("x") == "x" {
			t.Fatal("markers unstyled")
		}
	}
}
