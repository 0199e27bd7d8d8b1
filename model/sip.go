package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/alesim/alesim/model/dist"
	"github.com/alesim/alesim/model/sipmath"
)

// MaxLibrarySize bounds a SIPmath library file (about 3 million trials at 20 bytes each).
const MaxLibrarySize = 64 << 20

// libEntry is a library read once per scenario, or the error reading it gave.
type libEntry struct {
	lib   *sipmath.Library
	index int // into decoder.libraries
	err   error
}

// sipEstimate reads {dist: sip, library: FILE, name: SIP} (in a factor, where name names the
// factor, the SIP is named by sip: instead; elsewhere either key). The library is read relative to
// the scenario's directory, once however many inputs name it. A SIP is one value per trial, so it
// may stand for anything drawn once a year (an AFE or factor, a safeguard's cost or effect, a loss
// distribution's uncertain parameter, a loss factor marked per: year), not for a loss per event,
// which each event draws anew.
func (d *decoder) sipEstimate(n *node, path string, named bool) (Estimate, string) {
	bad := Estimate{Dist: dist.Constant{}, Path: path, Pos: Pos{n.line, n.col}}
	m := d.fields(n, path, "dist", "library", "name", "sip", "point")
	if m == nil {
		return bad, ""
	}
	factorName := ""
	sipKey := "sip"
	if named {
		factorName = d.str(m["name"], path+".name")
	} else if _, ok := m["name"]; ok {
		if _, both := m["sip"]; both {
			d.add(m["sip"], path+".sip", "give the SIP's name once, as name or as sip")
			return bad, ""
		}
		sipKey = "name"
	}
	if strings.HasSuffix(path, ".loss") || strings.HasSuffix(path, ".new_loss") {
		d.add(n, path+".dist", "a SIP gives one value per trial, and a loss per event is drawn for each event; use a SIP for an AFE, a factor, a cost or an effect")
		return bad, factorName
	}
	file := d.str(d.required(m, n, path, "library", "a file name"), path+".library")
	sipName := d.str(d.required(m, n, path, sipKey, "the name of a SIP in the library"), path+"."+sipKey)
	if file == "" || sipName == "" {
		return bad, factorName
	}
	e, err := d.library(file)
	if err != nil {
		d.add(m["library"], path+".library", "%v", err)
		return bad, factorName
	}
	sip, err := e.lib.Trials(sipName)
	if err != nil {
		d.add(m[sipKey], path+"."+sipKey, "%s: %v", file, err)
		return bad, factorName
	}
	spec := fmt.Sprintf("sip(%s from %s", sipName, file)
	if sip.Len() > 0 {
		spec += fmt.Sprintf(", %d trials)", sip.Len())
	} else {
		spec += ", metalog-coded)"
	}
	est := Estimate{Dist: sip, Point: sip.Mean(), Spec: spec, Path: path, Pos: Pos{n.line, n.col}}
	if pn, ok := m["point"]; ok {
		if x, ok := d.num(pn, path+".point"); ok {
			if lo, hi := sip.Support(); x < lo || x > hi {
				d.add(pn, path+".point", "must lie within the SIP's range [%g, %g] (got %s)", lo, hi, pn.text)
			}
			est.Point = x
		}
	}
	d.sipInputs = append(d.sipInputs, SIPInput{Path: path, Pos: est.Pos, Library: e.index, Name: sipName, Trials: sip.Len()})
	return est, factorName
}

// library reads and checks the SIPmath library file, relative to the scenario's directory, once.
func (d *decoder) library(file string) (*libEntry, error) {
	if d.libs == nil {
		d.libs = map[string]*libEntry{}
	}
	if e, ok := d.libs[file]; ok {
		return e, e.err
	}
	e := &libEntry{index: -1}
	d.libs[file] = e
	path := file
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(d.file), file)
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		e.err = fmt.Errorf("cannot read the SIP library: %v", err)
	case st.IsDir():
		e.err = fmt.Errorf("%s is a directory, want a SIPmath library file", path)
	case st.Size() > MaxLibrarySize:
		e.err = fmt.Errorf("%s is %d bytes, want at most %d (%d MiB)", path, st.Size(), MaxLibrarySize, MaxLibrarySize>>20)
	}
	if e.err != nil {
		return e, e.err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		e.err = fmt.Errorf("cannot read the SIP library: %v", err)
		return e, e.err
	}
	lib, err := sipmath.Read(b)
	if err != nil {
		e.err = fmt.Errorf("%s: %v", file, err)
		return e, e.err
	}
	sum := sha256.Sum256(b)
	e.lib, e.index = lib, len(d.libraries)
	d.libraries = append(d.libraries, Library{File: file, SHA256: hex.EncodeToString(sum[:]), Name: lib.Name,
		Provenance: lib.Provenance, Version: lib.Version, DateCreated: lib.DateCreated})
	return e, nil
}
