package report

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func stageAndCommit(t *testing.T, dir string, force bool, files map[string]string, inputs ...string) error {
	t.Helper()
	st, err := Stage(dir, force, inputs...)
	if err != nil {
		return err
	}
	defer st.Abort()
	for name, body := range files {
		if err := st.WriteFile(name, func(w io.Writer) error { _, err := io.WriteString(w, body); return err }); err != nil {
			t.Fatal(err)
		}
	}
	return st.Commit()
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, _ := os.ReadDir(dir)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestOutputDirectory (issue 13): --force replaces only our results; a source tree, results with a
// file added, an input, '.', a mount point and a dangling symlink are refused; a symlink is
// followed; nothing of staging is left; modes follow the umask.
func TestOutputDirectory(t *testing.T) {
	root := t.TempDir()
	res := filepath.Join(root, "res")
	if err := stageAndCommit(t, res, false, map[string]string{"summary.json": "1"}); err != nil {
		t.Fatal(err)
	}
	if got := entries(t, res); strings.Join(got, ",") != ".alesim-results,summary.json" {
		t.Errorf("results hold %v", got)
	}
	// Without --force, refused; with it, replaced.
	if err := stageAndCommit(t, res, false, map[string]string{"summary.json": "2"}); !errors.Is(err, ErrExists) || !errors.Is(err, ErrRefused) {
		t.Errorf("no --force: %v", err)
	}
	if err := stageAndCommit(t, res, true, map[string]string{"summary.json": "3", "x.csv": "y"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(res, "summary.json")); string(b) != "3" {
		t.Errorf("replaced results hold %q", b)
	}
	// A source tree is refused by --force, and kept.
	src := filepath.Join(root, "proj")
	os.MkdirAll(filepath.Join(src, ".git"), 0o755)
	os.WriteFile(filepath.Join(src, "README"), []byte("x"), 0o644)
	if err := stageAndCommit(t, src, true, map[string]string{"summary.json": "1"}); !errors.Is(err, ErrRefused) {
		t.Errorf("source tree: %v", err)
	}
	if _, err := os.Stat(filepath.Join(src, "README")); err != nil {
		t.Error("the source tree lost its README")
	}
	// Results with a file added by hand.
	os.WriteFile(filepath.Join(res, "notes.txt"), []byte("mine"), 0o644)
	if err := stageAndCommit(t, res, true, map[string]string{"summary.json": "4"}); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("added file: %v", err)
	}
	os.Remove(filepath.Join(res, "notes.txt"))
	// An input of the command, or a directory holding one.
	if err := stageAndCommit(t, res, true, nil, res); !errors.Is(err, ErrRefused) {
		t.Errorf("out is an input: %v", err)
	}
	if err := stageAndCommit(t, root, true, nil, filepath.Join(res, "summary.json")); !errors.Is(err, ErrRefused) {
		t.Errorf("out holds an input: %v", err)
	}
	// The current directory.
	wd, _ := os.Getwd()
	os.Chdir(res)
	_, err := Stage(".", true)
	os.Chdir(wd)
	if !errors.Is(err, ErrRefused) {
		t.Errorf("'.': %v", err)
	}
	// A dangling symlink is refused; a symlink to a directory is followed, and stays a link.
	os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(root, "dangling"))
	if _, err := Stage(filepath.Join(root, "dangling"), false); !errors.Is(err, ErrRefused) {
		t.Errorf("dangling symlink: %v", err)
	}
	os.Mkdir(filepath.Join(root, "target"), 0o755)
	link := filepath.Join(root, "link")
	os.Symlink(filepath.Join(root, "target"), link)
	if err := stageAndCommit(t, link, false, map[string]string{"summary.json": "1"}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
	if _, err := os.Stat(filepath.Join(root, "target", "summary.json")); err != nil {
		t.Error("the results are not in the link's target")
	}
	if err := stageAndCommit(t, link, true, map[string]string{"summary.json": "2"}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by --force")
	}
	// A mount point (where the test may see one).
	if _, err := Stage("/proc", true); !errors.Is(err, ErrRefused) {
		t.Errorf("/proc: %v", err)
	}
	for _, e := range entries(t, root) {
		if strings.Contains(e, ".partial-") || strings.Contains(e, ".old-") {
			t.Errorf("left %s", e)
		}
	}
}

// TestConcurrentNewDirectory: two stagings of one new directory; the second commit fails.
func TestConcurrentNewDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	a, err := Stage(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Stage(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Abort()
	defer b.Abort()
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); !errors.Is(err, ErrRefused) {
		t.Errorf("second commit: %v", err)
	}
	// With --force too: what Stage saw (nothing) is not what is there now.
	c, _ := Stage(filepath.Join(filepath.Dir(dir), "other"), true)
	d, _ := Stage(filepath.Join(filepath.Dir(dir), "other"), true)
	defer c.Abort()
	defer d.Abort()
	c.Commit()
	if err := d.Commit(); !errors.Is(err, ErrRefused) {
		t.Errorf("second forced commit of a new directory: %v", err)
	}
}

// TestModesFollowUmask: staged directories and files get 0777 and 0666 less the umask;
// WriteFileAtomic keeps a replaced file's mode.
func TestModesFollowUmask(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "m")
	if err := stageAndCommit(t, dir, false, map[string]string{"a.json": "x"}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(dir)
	fst, _ := os.Stat(filepath.Join(dir, "a.json"))
	if st.Mode().Perm() != 0o750 || fst.Mode().Perm() != 0o640 {
		t.Errorf("modes %v %v, want 0750 and 0640", st.Mode().Perm(), fst.Mode().Perm())
	}
	p := filepath.Join(dir, "a.json")
	os.Chmod(p, 0o664)
	if err := WriteFileAtomic(p, func(w io.Writer) error { _, err := io.WriteString(w, "y"); return err }); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o664 {
		t.Errorf("rewritten file has mode %v, want 0664", st.Mode().Perm())
	}
	q := filepath.Join(dir, "new.svg")
	WriteFileAtomic(q, func(w io.Writer) error { return nil })
	if st, _ := os.Stat(q); st.Mode().Perm() != 0o640 {
		t.Errorf("new file has mode %v, want 0640", st.Mode().Perm())
	}
}

// TestSweepStaleStaging: a staging directory of a process that no longer runs is swept; one of a
// running process, and a look-alike without our staging file, are kept; old results of a swap
// killed half-way are put back.
func TestSweepStaleStaging(t *testing.T) {
	root := t.TempDir()
	cmd := exec.Command("true")
	cmd.Run()
	dead := strconv.Itoa(cmd.ProcessState.Pid())
	mk := func(name string, ours bool) string {
		p := filepath.Join(root, name)
		os.Mkdir(p, 0o755)
		if ours {
			os.WriteFile(filepath.Join(p, stagingFile), nil, 0o644)
		}
		return p
	}
	staleDir := mk(".r.partial-"+dead+"-1-abc", true)
	lookalike := mk(".r.partial-"+dead+"-1-def", false)
	start, _ := procStart("self")
	running := mk(".r.partial-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(start, 10)+"-abc", true)
	// Old results of a fallback swap killed between its renames, with r missing.
	old := mk(".r.old-"+dead+"-1-abc", false)
	os.WriteFile(filepath.Join(old, "summary.json"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(old, MarkerFile), []byte(`{"alesim":"x","files":["summary.json"]}`), 0o644)
	st, err := Stage(filepath.Join(root, "r2"), false) // any command writing beside them sweeps
	if err != nil {
		t.Fatal(err)
	}
	st.Abort()
	if _, err := os.Stat(staleDir); !os.IsNotExist(err) {
		t.Error("stale staging kept")
	}
	if _, err := os.Stat(lookalike); err != nil {
		t.Error("a look-alike without our staging file was removed")
	}
	if _, err := os.Stat(running); err != nil {
		t.Error("the staging of a running process was removed")
	}
	if b, _ := os.ReadFile(filepath.Join(root, "r", "summary.json")); string(b) != "old" {
		t.Error("the old results of a half-done swap were not put back")
	}
}
