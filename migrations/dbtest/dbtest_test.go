package dbtest

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a test whose Fatalf and Skip are only noted, so that what
// the harness does with them can be checked.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *recorder) Skip(args ...any)                  { r.skip = fmt.Sprint(args...) }

// Without a PostgreSQL URL the PostgreSQL-only tests skip and Open falls
// back to SQLite, unless SILLAGE_REQUIRE_POSTGRES=1, which makes both
// fail: CI's PostgreSQL run cannot pass by testing SQLite alone.
func TestRequirePostgres(t *testing.T) {
	t.Setenv(PostgresEnv, "")
	for _, require := range []string{"", "1"} {
		t.Run("require="+require, func(t *testing.T) {
			t.Setenv(RequirePostgresEnv, require)
			only := &recorder{TB: t}
			PostgresOnly(only)
			target := &recorder{TB: t}
			path := Target(target)
			if require == "1" {
				if only.fatal == "" || only.skip != "" || !strings.Contains(only.fatal, PostgresEnv) {
					t.Errorf("PostgresOnly: fatal %q, skip %q; want a failure naming %s", only.fatal, only.skip, PostgresEnv)
				}
				if target.fatal == "" {
					t.Errorf("Target gave %q without PostgreSQL, want a failure", path)
				}
				return
			}
			if only.fatal != "" || !strings.Contains(only.skip, "PostgreSQL only") {
				t.Errorf("PostgresOnly: fatal %q, skip %q; want a skip", only.fatal, only.skip)
			}
			if target.fatal != "" || !strings.HasSuffix(path, "sillage.db") {
				t.Errorf("Target = %q, fatal %q; want a SQLite file", path, target.fatal)
			}
		})
	}
}
