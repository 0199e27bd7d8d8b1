package report

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The output directory.
//
// An output directory only ever holds complete results of ours, and nothing a user wrote is ever
// deleted:
//
//   - Results are written into a staging directory beside the target, named
//     .DIR.partial-PID-START-RANDOM and holding a .alesim-staging file, and put in place at
//     Commit. An interrupted or failed command removes its staging directory (Abort); one killed
//     outright (SIGKILL, a power cut) leaves it, and the next command writing beside it sweeps
//     it: staging directories of ours (name and file) created before the running process by a
//     process that no longer runs.
//   - The marker file .alesim-results is written last, at commit, and lists every file of the
//     results. --force replaces only a directory with that marker holding nothing but the files
//     it lists; anything else (a source tree, results with a file added by hand) is refused, as
//     is an output directory that is, contains or lies inside an input of the same command, the
//     current directory or one of its parents, a mount point, and / .
//   - The commit is one atomic swap, under an exclusive lock (flock) on the parent directory:
//     it re-checks that the target is as Stage found it (absent, or the same results of ours),
//     so two commands writing the same new directory cannot both succeed. A new directory is
//     renamed into place with renameat2(RENAME_NOREPLACE); results are replaced with
//     renameat2(RENAME_EXCHANGE), after which the previous results (now in the staging path) are
//     removed file by file, as listed in their marker. Where the kernel or file system lacks
//     renameat2 (EINVAL, ENOSYS), the fallback is two renames: the old results are moved to
//     .DIR.old-PID-..., the new ones into place, then the old removed; a failure of the second
//     rename moves the old results back (and reports if that fails too); a kill between the two
//     renames leaves the old results in .DIR.old-..., which the next command writing beside it
//     puts back if DIR is missing (and removes otherwise).
//   - A symlink as the target is followed to its target directory, which receives the results;
//     the link stays. A dangling symlink is refused.
//   - Directories and files are created with modes 0777 and 0666 less the umask.
//
// Single files (a re-drawn chart) are written to a temporary file and renamed; a replaced file
// keeps its mode.

// ErrExists is returned when the output directory already holds files and overwriting was not
// asked for.
var ErrExists = errors.New("output directory is not empty")

// ErrRefused is wrapped by every refusal of an output directory (a mistake in the command line,
// not a failure of the file system): not ours, an input, a mount point, a dangling symlink, taken
// by another process meanwhile.
var ErrRefused = errors.New("output directory refused")

// MarkerFile marks a directory of complete results of ours; it is written last, at commit.
const MarkerFile = ".alesim-results"

// stagingFile marks a staging directory of ours.
const stagingFile = ".alesim-staging"

// marker is the content of MarkerFile.
type marker struct {
	Alesim string   `json:"alesim"` // what wrote it
	Files  []string `json:"files"`  // every file of the results but the marker, sorted
}

// Staging is an output directory being written.
type Staging struct {
	Final string // the directory the results end up in (a symlink's target, resolved)
	Tmp   string // where they are written meanwhile
	force bool
	// what Stage found at Final, re-checked at Commit
	existed bool
	ident   fileID
	old     *marker
	done    bool
}

type fileID struct{ dev, ino uint64 }

func idOf(st os.FileInfo) fileID {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return fileID{uint64(s.Dev), uint64(s.Ino)}
	}
	return fileID{}
}

func refusef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// Stage prepares to write results into dir, refusing (with ErrRefused) what the package comment
// lists; inputs are the command's input files and directories. It sweeps stale staging
// directories of ours beside dir and creates the staging directory, so that every check that can
// be made before the work is made.
func Stage(dir string, force bool, inputs ...string) (*Staging, error) {
	final, err := resolveTarget(dir)
	if err != nil {
		return nil, err
	}
	if err := refuseInputs(dir, final, inputs); err != nil {
		return nil, err
	}
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o777); err != nil {
		return nil, err
	}
	sweep(parent)
	s := &Staging{Final: final, force: force}
	if err := s.inspect(dir); err != nil {
		return nil, err
	}
	if err := refuseMountPoint(final, parent); err != nil {
		return nil, err
	}
	tmp, err := makeStaging(parent, filepath.Base(final))
	if err != nil {
		return nil, err
	}
	s.Tmp = tmp
	return s, nil
}

// resolveTarget returns the absolute, cleaned target, following a symlink at dir (or in its
// parents) to its target; a dangling symlink, "/", and the current directory or one of its
// parents are refused.
func resolveTarget(dir string) (string, error) {
	if dir == "" {
		return "", refusef("no output directory named")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	// Resolve the longest existing prefix, so a symlink anywhere on the way is followed.
	rest := ""
	p := abs
	for {
		if _, err := os.Lstat(p); err == nil {
			break
		}
		if p == filepath.Dir(p) {
			break
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = filepath.Dir(p)
	}
	if st, err := os.Lstat(abs); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		if _, err := os.Stat(abs); err != nil {
			t, _ := os.Readlink(abs)
			return "", refusef("%s is a symlink to %s, which does not exist: create the directory or name another --out", dir, t)
		}
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	final := filepath.Join(real, rest)
	if final == filepath.Dir(final) {
		return "", refusef("%s is the root directory", dir)
	}
	if wd, err := os.Getwd(); err == nil {
		if w, err := filepath.EvalSymlinks(wd); err == nil && within(w, final) {
			return "", refusef("%s is the current directory or contains it: name a new or a results directory", dir)
		}
	}
	return final, nil
}

// within reports whether path is dir or lies inside it (both absolute and clean).
func within(path, dir string) bool {
	if path == dir {
		return true
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// refuseInputs refuses a target that is, contains or lies inside one of the command's inputs.
func refuseInputs(dir, final string, inputs []string) error {
	for _, in := range inputs {
		abs, err := filepath.Abs(in)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			real = abs
		}
		if within(real, final) || within(final, real) {
			return refusef("--out %s is (or holds, or lies in) the input %s of this command: name another directory", dir, in)
		}
	}
	return nil
}

// inspect records what is at s.Final and refuses what may not be replaced.
func (s *Staging) inspect(dir string) error {
	st, err := os.Lstat(s.Final)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return refusef("%s exists and is not a directory", dir)
	}
	entries, err := os.ReadDir(s.Final)
	if err != nil {
		return err
	}
	s.existed, s.ident = true, idOf(st)
	if len(entries) == 0 {
		return nil
	}
	if !s.force {
		return fmt.Errorf("%w: %s: %w (it holds %d files; use --force to replace results of alesim, or choose another --out)", ErrRefused, dir, ErrExists, len(entries))
	}
	m, err := ours(s.Final, entries)
	if err != nil {
		return refusef("--force replaces only a directory of alesim results: %s %v; nothing was changed", dir, err)
	}
	s.old = m
	return nil
}

// ours reads the marker of a results directory and checks that it holds nothing else.
func ours(dir string, entries []os.DirEntry) (*marker, error) {
	b, err := os.ReadFile(filepath.Join(dir, MarkerFile))
	if err != nil {
		return nil, fmt.Errorf("has no %s marker (it was not written by alesim, or not completely)", MarkerFile)
	}
	var m marker
	if err := json.Unmarshal(b, &m); err != nil || m.Alesim == "" {
		return nil, fmt.Errorf("has an unreadable %s marker", MarkerFile)
	}
	listed := map[string]bool{MarkerFile: true}
	for _, f := range m.Files {
		if f == "" || strings.ContainsAny(f, `/\`) || f == "." || f == ".." {
			return nil, fmt.Errorf("has a %s marker listing %q", MarkerFile, f)
		}
		listed[f] = true
	}
	var extra []string
	for _, e := range entries {
		if !listed[e.Name()] || !e.Type().IsRegular() {
			extra = append(extra, e.Name())
		}
	}
	if len(extra) > 0 {
		return nil, fmt.Errorf("holds files alesim did not write (%s)", strings.Join(extra, ", "))
	}
	return &m, nil
}

// refuseMountPoint refuses a target that is a mount point: it cannot be replaced by a rename.
func refuseMountPoint(final, parent string) error {
	st, err := os.Stat(final)
	if err != nil {
		return nil
	}
	pst, err := os.Stat(parent)
	if err != nil {
		return err
	}
	if idOf(st).dev != idOf(pst).dev {
		return refusef("%s is a mount point: results are put in place by a rename, which cannot replace it; name a directory inside it", final)
	}
	return nil
}

// procStart is this process's start time in clock ticks since boot (/proc/self/stat field 22).
func procStart(pid string) (uint64, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) is in parentheses and may hold spaces: fields count from the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, false
	}
	v, err := strconv.ParseUint(f[19], 10, 64)
	return v, err == nil
}

var self = func() string {
	start, _ := procStart("self")
	return fmt.Sprintf("%d-%d", os.Getpid(), start)
}()

// makeStaging creates .BASE.partial-PID-START-RANDOM in parent, with its staging file.
func makeStaging(parent, base string) (string, error) {
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	tmp := filepath.Join(parent, "."+base+".partial-"+self+"-"+hex.EncodeToString(r[:]))
	if err := os.Mkdir(tmp, 0o777); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, stagingFile), []byte(self+"\n"), 0o666); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return tmp, nil
}

// stale reports whether a staging or old-results name of ours (…-PID-START-RANDOM) belongs to
// a process that no longer runs and started before this one.
func stale(suffix string, modTime time.Time) bool {
	f := strings.Split(suffix, "-")
	if len(f) != 3 {
		return false
	}
	pid, err1 := strconv.Atoi(f[0])
	start, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return false
	}
	if now, alive := procStart(strconv.Itoa(pid)); alive && now == start {
		return false // still running
	}
	// Not running: stale if it started before this process (same boot: clock ticks compare), or
	// if its directory is older than this process (across a reboot).
	if mine, ok := procStart("self"); ok && start < mine {
		return true
	}
	return modTime.Before(startedAt)
}

// startedAt is (about) when this process started.
var startedAt = time.Now()

// sweep removes the stale staging directories of ours in parent (.BASE.partial-PID-START-RANDOM
// holding our staging file, of a process that no longer runs and started before this one), and
// puts back (or removes) stale old results left by a fallback swap killed half-way.
func sweep(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, ".") {
			continue
		}
		var kind, base, suffix string
		for _, k := range []string{"partial", "old"} {
			if i := strings.LastIndex(name, "."+k+"-"); i > 1 {
				kind, base, suffix = k, name[1:i], name[i+len(k)+2:]
				break
			}
		}
		if kind == "" {
			continue
		}
		info, err := e.Info()
		if err != nil || !stale(suffix, info.ModTime()) {
			continue
		}
		path := filepath.Join(parent, name)
		switch kind {
		case "partial":
			if _, err := os.Stat(filepath.Join(path, stagingFile)); err == nil {
				os.RemoveAll(path) // created by us, never committed
			} else if entries, err := os.ReadDir(path); err == nil {
				if m, err := ours(path, entries); err == nil {
					removeResults(path, m) // killed between its marker and its rename
				}
			}
		case "old":
			entries, err := os.ReadDir(path)
			if err != nil {
				continue
			}
			m, err := ours(path, entries)
			if err != nil {
				continue
			}
			target := filepath.Join(parent, base)
			if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
				os.Rename(path, target) // a swap killed half-way: the previous results go back
				continue
			}
			removeResults(path, m)
		}
	}
}

// removeResults removes a results directory of ours file by file, as its marker lists them, then
// the directory: a file someone added since is kept, and so is the directory then.
func removeResults(dir string, m *marker) error {
	for _, f := range m.Files {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	os.Remove(filepath.Join(dir, stagingFile))
	if err := os.Remove(filepath.Join(dir, MarkerFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.Remove(dir)
}

// Path returns where a file named name is written while staging.
func (s *Staging) Path(name string) string { return filepath.Join(s.Tmp, name) }

// WriteFile writes one file of the staged results.
func (s *Staging) WriteFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(s.Path(name))
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// Commit puts the staged results in place (see the package comment): it writes the marker last,
// then, under the parent's lock, re-checks the target and swaps atomically.
func (s *Staging) Commit() error {
	if s.done {
		return fmt.Errorf("%s: committed twice", s.Final)
	}
	if err := s.writeMarker(); err != nil {
		return err
	}
	parent := filepath.Dir(s.Final)
	unlock, err := lockDir(parent)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.recheck(); err != nil {
		return err
	}
	if !s.existed {
		err = renameNoReplace(s.Tmp, s.Final)
		if errors.Is(err, os.ErrExist) || errors.Is(err, syscall.ENOTEMPTY) {
			return refusef("%s was created by another process while this one ran; nothing was replaced", s.Final)
		}
		if err != nil {
			return err
		}
		s.done = true
		return syncDir(parent)
	}
	if s.old == nil { // an empty directory: replace it
		if err := os.Remove(s.Final); err != nil {
			return refusef("%s changed while this run was working: %v", s.Final, err)
		}
		if err := renameNoReplace(s.Tmp, s.Final); err != nil {
			return err
		}
		s.done = true
		return syncDir(parent)
	}
	return s.swap(parent)
}

// writeMarker lists the staged files in the marker and makes it the last file written.
func (s *Staging) writeMarker() error {
	entries, err := os.ReadDir(s.Tmp)
	if err != nil {
		return err
	}
	m := marker{Alesim: "alesim results; written last, at commit"}
	for _, e := range entries {
		if n := e.Name(); n != stagingFile && n != MarkerFile {
			m.Files = append(m.Files, n)
		}
	}
	sort.Strings(m.Files)
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := s.WriteFile(MarkerFile, func(w io.Writer) error { _, err := w.Write(append(b, '\n')); return err }); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.Tmp, stagingFile)); err != nil {
		return err
	}
	return syncDir(s.Tmp)
}

// recheck verifies, under the lock, that the target is as Stage found it.
func (s *Staging) recheck() error {
	st, err := os.Lstat(s.Final)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if s.existed {
			return refusef("%s was removed while this run was working; nothing was written", s.Final)
		}
		return nil
	case err != nil:
		return err
	case !s.existed:
		return refusef("%s was created by another process while this one ran; nothing was replaced", s.Final)
	case !st.IsDir() || idOf(st) != s.ident:
		return refusef("%s was replaced by another process while this one ran; nothing was changed", s.Final)
	}
	entries, err := os.ReadDir(s.Final)
	if err != nil {
		return err
	}
	if s.old == nil {
		if len(entries) > 0 {
			return refusef("%s received files while this run was working; nothing was changed", s.Final)
		}
		return nil
	}
	m, err := ours(s.Final, entries)
	if err != nil {
		return refusef("%s changed while this run was working (it now %v); nothing was changed", s.Final, err)
	}
	if strings.Join(m.Files, "\x00") != strings.Join(s.old.Files, "\x00") {
		return refusef("%s changed while this run was working; nothing was changed", s.Final)
	}
	s.old = m
	return nil
}

// swap replaces the results at s.Final by the staged ones: one RENAME_EXCHANGE, or the
// documented two-rename fallback.
func (s *Staging) swap(parent string) error {
	err := unix.Renameat2(unix.AT_FDCWD, s.Tmp, unix.AT_FDCWD, s.Final, unix.RENAME_EXCHANGE)
	if err == nil {
		s.done = true
		// The staging path now holds the previous results.
		if err := syncDir(parent); err != nil {
			return err
		}
		if err := removeResults(s.Tmp, s.old); err != nil {
			return fmt.Errorf("results written to %s; the previous ones could not all be removed from %s: %w", s.Final, s.Tmp, err)
		}
		return nil
	}
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EOPNOTSUPP) {
		return &os.LinkError{Op: "renameat2 RENAME_EXCHANGE", Old: s.Tmp, New: s.Final, Err: err}
	}
	return s.swapFallback(parent)
}

func (s *Staging) swapFallback(parent string) error {
	old := strings.Replace(s.Tmp, ".partial-", ".old-", 1)
	if err := os.Rename(s.Final, old); err != nil {
		return err
	}
	if err := os.Rename(s.Tmp, s.Final); err != nil {
		if rerr := os.Rename(old, s.Final); rerr != nil {
			return fmt.Errorf("putting the results in place: %w; restoring the previous results also failed (%v): they are in %s", err, rerr, old)
		}
		return err
	}
	s.done = true
	if err := syncDir(parent); err != nil {
		return err
	}
	return removeResults(old, s.old)
}

// renameNoReplace renames a new directory into place, failing if the target exists.
func renameNoReplace(from, to string) error {
	err := unix.Renameat2(unix.AT_FDCWD, from, unix.AT_FDCWD, to, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		// Without renameat2 the lock and the re-check guard the target; rename(2) onto an empty
		// directory would replace it, so look once more.
		if _, err := os.Lstat(to); err == nil {
			return os.ErrExist
		}
		return os.Rename(from, to)
	}
	if err == unix.EEXIST {
		return os.ErrExist
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}

// lockDir takes an exclusive flock on a directory, waiting up to a minute.
func lockDir(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(time.Minute)
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			break
		}
		if err != unix.EWOULDBLOCK || time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", dir, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return func() {
		unix.Flock(int(f.Fd()), unix.LOCK_UN)
		f.Close()
	}, nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// Abort removes the staged files; the target directory is left as it was. After a successful
// Commit it does nothing.
func (s *Staging) Abort() {
	if s == nil || s.done || s.Tmp == "" {
		return
	}
	os.RemoveAll(s.Tmp)
}

// TempSuffix is the suffix of this process's temporary files (WriteFileAtomic): ".tmp-PID".
var TempSuffix = ".tmp-" + strconv.Itoa(os.Getpid())

// WriteFileAtomic writes path through a temporary file in the same directory (named
// .BASE.tmp-PID, see TempSuffix) and a rename: a failure part-way leaves the previous file, or
// none. A replaced file keeps its mode; a new one gets 0666 less the umask.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	mode := os.FileMode(0o666) &^ umask()
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+TempSuffix)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := write(f); err != nil {
		return fail(fmt.Errorf("writing %s: %w", path, err))
	}
	if err := f.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("writing %s: %w", path, err))
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// umask reads the process's umask from /proc/self/status (022 when unknown).
func umask() os.FileMode {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0o022
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Umask:"); ok {
			if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
				return os.FileMode(m)
			}
		}
	}
	return 0o022
}
