package model

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLoadFromFIFO (issue 13): a scenario read from a pipe or FIFO was "empty" (the read was sized
// by Stat); the 4 MiB bound still holds.
func TestLoadFromFIFO(t *testing.T) {
	src, err := os.ReadFile("../scenarios/usps-wets-access.yaml")
	if err != nil {
		t.Fatal(err)
	}
	feed := func(data []byte) string {
		p := filepath.Join(t.TempDir(), "fifo.yaml")
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		go func() {
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			defer f.Close()
			f.Write(data)
		}()
		return p
	}
	s, err := Load(feed(src))
	if err != nil {
		t.Fatalf("loading from a FIFO: %v", err)
	}
	want, err := Load("../scenarios/usps-wets-access.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.SHA256 != want.SHA256 || len(s.Findings) != len(want.Findings) {
		t.Errorf("FIFO gave sha %s, %d findings; the file %s, %d", s.SHA256, len(s.Findings), want.SHA256, len(want.Findings))
	}
	big := []byte(strings.Repeat("# padding\n", MaxFileSize/10+10))
	if _, err := Load(feed(big)); err == nil || !strings.Contains(err.Error(), "MiB") {
		t.Errorf("a FIFO over 4 MiB: %v", err)
	}
}
