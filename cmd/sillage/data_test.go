package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sillage/sillage/migrations/dbtest"
	"github.com/sillage/sillage/migrations/testnote"
)

// Run from another folder than the server's, a command would make an
// empty ./data/sillage.db and answer from it (an API key the server
// refuses): it says where it looked and makes nothing, unless -create.
func TestCommandsRefuseANewDatabase(t *testing.T) {
	dbtest.SQLiteOnly(t, "the SQLite file a command would make in its data folder")
	dir := t.TempDir()
	t.Chdir(dir)
	want := filepath.Join(dir, "data", "sillage.db")
	getenv := func(string) string { return "" }
	for _, args := range [][]string{
		{"apikey", "create", "--name", "ci"},
		{"apikey", "list"},
		{"user", "create", "--email", "zoe@example.com", "--password", "correct horse battery"},
		{"stats", "1"},
		{"contacts", "erase", "1"},
		{"send", "1", "-base-url", "https://x"},
		{"outbox"},
	} {
		var out bytes.Buffer
		err := run(context.Background(), args, getenv, &out, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "no database at "+want) || !strings.Contains(err.Error(), "-data-dir") {
			t.Errorf("%q: %v, want a refusal naming %s and -data-dir", args, err, want)
		}
		if out.Len() > 0 {
			t.Errorf("%q printed %q", args, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the refused commands made ./data: %v", err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"apikey", "create", "--name", "ci", "-create"}, getenv, &out, io.Discard); err != nil {
		t.Fatalf("apikey create -create: %v", err)
	}
	if _, err := os.Stat(want); err != nil || !strings.HasPrefix(out.String(), "sil_") {
		t.Errorf("apikey create -create: printed %q, database %v", out.String(), err)
	}
	if err := run(context.Background(), []string{"apikey", "list"}, getenv, io.Discard, io.Discard); err != nil {
		t.Errorf("apikey list once the database exists: %v", err)
	}
}

// A data folder that cannot be written is named, with the reason,
// rather than SQLite's "unable to open database file".
func TestUnwritableDataFolder(t *testing.T) {
	getenv := func(string) string { return "" }
	t.Run("UnderAFile", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "notes.txt")
		os.WriteFile(file, []byte("x"), 0o600)
		dir := filepath.Join(file, "data")
		for _, args := range [][]string{
			{"serve", "-addr", "127.0.0.1:0", "-data-dir", dir},
			{"apikey", "create", "--name", "ci", "-create", "-data-dir", dir},
		} {
			err := run(context.Background(), args, getenv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "data folder "+dir+" cannot be made") || !strings.Contains(err.Error(), "not a directory") {
				t.Errorf("%q: %v, want the folder and \"not a directory\"", args[0], err)
			}
		}
	})
	t.Run("ReadOnly", func(t *testing.T) {
		if os.Geteuid() == 0 {
			testnote.Skip(t, "runs as root, whom a read-only folder does not stop (the UnderAFile case runs)")
		}
		dir := t.TempDir()
		if err := run(context.Background(), []string{"apikey", "create", "--name", "ci", "-create", "-data-dir", dir}, getenv, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		os.Chmod(dir, 0o500)
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		for _, args := range [][]string{
			{"serve", "-addr", "127.0.0.1:0", "-data-dir", dir},
			{"apikey", "list", "-data-dir", dir},
		} {
			err := run(context.Background(), args, getenv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "data folder "+dir+" is not writable (permission denied)") {
				t.Errorf("%q: %v, want the folder and \"permission denied\"", args[0], err)
			}
		}
	})
}

// A postgres:// -db is a server's database, not a file: no "no database
// at" refusal, nothing made in the working folder, and the password is
// never shown when the server cannot be reached.
func TestPostgresDatabaseIsNoFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	target := "postgres://sillage:hunter2@/sillage?host=" + t.TempDir() + "&connect_timeout=2"
	getenv := func(string) string { return "" }
	err := run(context.Background(), []string{"apikey", "list", "-db", target, "-data-dir", filepath.Join(dir, "data")}, getenv, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("apikey list against a server that is not there succeeded")
	}
	if strings.Contains(err.Error(), "no database at") || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "connect") {
		t.Errorf("apikey list: %v; want a connection error without the password", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "postgres:")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the URL was taken for a file path: %v", err)
	}
}

// Against a real server the commands work on a database the server's
// operator made, with no -create.
func TestPostgresDatabaseCommands(t *testing.T) {
	target := dbtest.PostgresURL(t)
	dir := t.TempDir()
	getenv := func(string) string { return "" }
	flags := []string{"-db", target, "-data-dir", dir}
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"apikey", "create", "--name", "ci"}, flags...), getenv, &out, io.Discard); err != nil {
		t.Fatalf("apikey create: %v", err)
	}
	if !strings.HasPrefix(out.String(), "sil_") {
		t.Errorf("apikey create printed %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), append([]string{"apikey", "list"}, flags...), getenv, &out, io.Discard); err != nil {
		t.Fatalf("apikey list: %v", err)
	}
	if !strings.Contains(out.String(), "ci") {
		t.Errorf("apikey list printed %q, want the key named ci", out.String())
	}
}
