package register

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alesim/alesim/model"
)

// FuzzRegister: any bytes as a CSV register or a workbook give either a scenario or problems, each
// naming a place; never a panic.
func FuzzRegister(f *testing.F) {
	for _, p := range []string{"../scenarios/clinic-register.csv", "../scenarios/clinic-register.controls.csv", "../scenarios/clinic-register.xlsx"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, strings.HasSuffix(p, ".xlsx"))
	}
	f.Add([]byte("Identifier,Name,Probability,Low_loss,High_loss\nr1,x,0.1,1,2\n"), false)
	f.Fuzz(func(t *testing.T, src []byte, xlsx bool) {
		name := "r.csv"
		if xlsx {
			name = "r.xlsx"
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		y, err := Import(path)
		var me model.Errors
		switch {
		case err == nil:
			if _, err := model.Parse("imported.yaml", y); err != nil {
				t.Fatalf("Import's YAML does not load: %v", err)
			}
		case errors.As(err, &me):
			for _, e := range me {
				if !strings.HasPrefix(e.File, filepath.Dir(path)) || e.Msg == "" {
					t.Fatalf("problem without a place: %v", e)
				}
			}
		default:
			t.Fatalf("not model.Errors: %v", err)
		}
	})
}
