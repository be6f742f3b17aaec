package main

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/storage"
)

// testStores maps a test's data folder to the PostgreSQL database that
// stands for its sillage.db when the tests run on PostgreSQL.
var testStores sync.Map

// newDataDir returns a fresh data folder whose store is dbtest's target:
// on PostgreSQL a database of its own, which storeOf and dataFlags name;
// on SQLite the folder's sillage.db, where the commands look by default.
func newDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if target := dbtest.Target(t); storage.DialectOf(target) == storage.Postgres {
		testStores.Store(dir, target)
	}
	return dir
}

// storeOf is what storage.Open takes for the store of data folder dir.
func storeOf(dir string) string {
	if target, ok := testStores.Load(dir); ok {
		return target.(string)
	}
	return filepath.Join(dir, "sillage.db")
}

// dataFlags are the flags that give a command data folder dir and its
// store: -data-dir alone on SQLite, as the tests always passed it.
func dataFlags(dir string) []string {
	if target, ok := testStores.Load(dir); ok {
		return []string{"-data-dir", dir, "-db", target.(string)}
	}
	return []string{"-data-dir", dir}
}

// serveFlags are dataFlags for serve: on PostgreSQL, -local-media
// too, as the tests run one instance with its media in the folder.
func serveFlags(dir string) []string {
	if _, ok := testStores.Load(dir); ok {
		return append(dataFlags(dir), "-local-media")
	}
	return dataFlags(dir)
}

// dataEnv is the environment that gives the commands data folder dir and
// its store: SILLAGE_DATA_DIR alone on SQLite, as the tests always set it.
func dataEnv(dir string) map[string]string {
	env := map[string]string{"SILLAGE_DATA_DIR": dir}
	if target, ok := testStores.Load(dir); ok {
		env["SILLAGE_DB"] = target.(string)
		env["SILLAGE_LOCAL_MEDIA"] = "true" // one instance, media in the folder
	}
	return env
}

// storeEnv is the environment that names data folder dir's store apart
// from the folder: SILLAGE_DB on PostgreSQL, nothing on SQLite.
func storeEnv(dir string) map[string]string {
	if target, ok := testStores.Load(dir); ok {
		return map[string]string{"SILLAGE_DB": target.(string), "SILLAGE_LOCAL_MEDIA": "true"}
	}
	return map[string]string{}
}
