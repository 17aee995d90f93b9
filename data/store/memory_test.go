package store

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseSize(t *testing.T) {
	good := map[string]int64{
		"0": 0, "1048576": 1 << 20, "600MB": 600e6, "600 mb": 600e6, "2GB": 2e9, "1.5GB": 1.5e9,
		"512KiB": 512 << 10, "600MiB": 600 << 20, "2GiB": 2 << 30, "1TiB": 1 << 40, "10KB": 10e3, "7B": 7, "3 bytes": 3,
	}
	for in, want := range good {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-1GB", "1.2.3GB", "12XB", "lots", "1e30GB"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestCgroupMemoryLimit(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	missing := filepath.Join(dir, "missing")
	v2 := write("memory.max", "2147483648\n")
	v2max := write("memory.max.unlimited", "max\n")
	v1 := write("memory.limit_in_bytes", "1073741824\n")
	v1none := write("memory.limit_in_bytes.unlimited", "9223372036854771712\n")
	bad := write("garbage", "lots\n")
	cases := []struct {
		name  string
		paths []string
		want  int64
		ok    bool
		err   bool
	}{
		{"v2 limit", []string{v2, v1}, 2 << 30, true, false},
		{"v2 max", []string{v2max, v1}, 0, false, false},
		{"v1 when no v2", []string{missing, v1}, 1 << 30, true, false},
		{"v1 unlimited", []string{missing, v1none}, 0, false, false},
		{"no files", []string{missing}, 0, false, false},
		{"garbage", []string{bad}, 0, false, true},
	}
	for _, c := range cases {
		got, ok, err := CgroupMemoryLimit(c.paths...)
		if got != c.want || ok != c.ok || (err != nil) != c.err {
			t.Errorf("%s: got %d, %v, %v", c.name, got, ok, err)
		}
	}
}

func TestApplyOpenOptionsSetsDuckDB(t *testing.T) {
	st, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	spill := t.TempDir()
	if err := st.ApplyOpenOptions(OpenOptions{MemoryLimit: 600 << 20, TempDir: spill}); err != nil {
		t.Fatal(err)
	}
	var limit, temp string
	if err := st.DB().QueryRow(`SELECT current_setting('memory_limit'), current_setting('temp_directory')`).Scan(&limit, &temp); err != nil {
		t.Fatal(err)
	}
	if limit != "600.0 MiB" || temp != spill {
		t.Errorf("memory_limit %q, temp_directory %q; want 600.0 MiB and %s", limit, temp, spill)
	}
	st.Close()

	// Without a TempDir the store makes a private one and removes it on Close.
	st, err = Open("")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ApplyOpenOptions(OpenOptions{MemoryLimit: 2e9}); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRow(`SELECT current_setting('memory_limit'), current_setting('temp_directory')`).Scan(&limit, &temp); err != nil {
		t.Fatal(err)
	}
	if limit != "1.8 GiB" {
		t.Errorf("memory_limit %q for 2GB", limit)
	}
	if fi, err := os.Stat(temp); err != nil || !fi.IsDir() {
		t.Fatalf("temp_directory %q: %v", temp, err)
	}
	st.Close()
	if _, err := os.Stat(temp); !os.IsNotExist(err) {
		t.Errorf("temp_directory %s survives Close: %v", temp, err)
	}
}
