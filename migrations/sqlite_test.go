package migrations_test

import (
	"net/url"

	_ "github.com/mattn/go-sqlite3"
)

// sqliteDSN is the URL storage.Open gives a SQLite file (WAL, foreign
// keys on, a busy timeout), with extra settings: the tests here open the
// file themselves so as to stop goose at a given version.
func sqliteDSN(path string, extra url.Values) string {
	q := url.Values{
		"_journal_mode":    {"WAL"},
		"_synchronous":     {"NORMAL"},
		"_busy_timeout":    {"10000"},
		"_foreign_keys":    {"on"},
		"_stmt_cache_size": {"64"},
	}
	for k, v := range extra {
		q[k] = v
	}
	return "file:" + path + "?" + q.Encode()
}
