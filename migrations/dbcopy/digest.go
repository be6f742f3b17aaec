package dbcopy

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/sillage/sillage/migrations/storage"
)

// Digest is a table's row count and the SHA-256 of its rows, read in
// primary key order with every value normalised (booleans as 0 or 1,
// bytes as hex, text quoted), so that the same rows give the same digest
// on either store.
type Digest struct {
	Rows int64
	Sum  string
}

// DigestTable digests table t (see Plan) of db, a store of dialect d.
// The source's rows that Copy leaves behind (skipped settings) are left
// out here too.
func DigestTable(ctx context.Context, db *sql.DB, d storage.Dialect, t Table) (Digest, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+t.columnList()+` FROM `+quote(t.Name)+` ORDER BY `+keyList(&t, d == storage.Postgres))
	if err != nil {
		return Digest{}, fmt.Errorf("digest %s: %w", t.Name, err)
	}
	defer rows.Close()
	vals := make([]any, len(t.Columns))
	ptrs := make([]any, len(t.Columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	h := sha256.New()
	var dg Digest
	var line []byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return Digest{}, fmt.Errorf("digest %s: %w", t.Name, err)
		}
		if t.skipRow(vals) {
			continue
		}
		line = line[:0]
		for i, c := range t.Columns {
			if i > 0 {
				line = append(line, '\t')
			}
			line, err = normalise(line, c, vals[i])
			if err != nil {
				return Digest{}, fmt.Errorf("digest %s: %w", t.Name, err)
			}
		}
		h.Write(append(line, '\n'))
		dg.Rows++
	}
	if err := rows.Err(); err != nil {
		return Digest{}, fmt.Errorf("digest %s: %w", t.Name, err)
	}
	dg.Sum = hex.EncodeToString(h.Sum(nil))
	return dg, nil
}

// normalise appends value v of column c as the digest writes it.
func normalise(b []byte, c Column, v any) ([]byte, error) {
	if v == nil {
		return append(b, "NULL"...), nil
	}
	switch c.Class {
	case Bool:
		switch x := v.(type) {
		case bool:
			if x {
				return append(b, '1'), nil
			}
			return append(b, '0'), nil
		case int64:
			return strconv.AppendInt(b, x, 10), nil
		}
	case Int:
		switch x := v.(type) {
		case int64:
			return strconv.AppendInt(b, x, 10), nil
		case int32:
			return strconv.AppendInt(b, int64(x), 10), nil
		case int16:
			return strconv.AppendInt(b, int64(x), 10), nil
		}
	case Text:
		return strconv.AppendQuote(b, asText(v)), nil
	case Bytes:
		switch x := v.(type) {
		case []byte:
			return hex.AppendEncode(b, x), nil
		case string:
			return hex.AppendEncode(b, []byte(x)), nil
		}
	}
	return nil, fmt.Errorf("column %s: value %v (%T)", c.Name, v, v)
}

// asText returns a text value read as string or bytes.
func asText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// keyList is t's primary key as an ORDER BY list. On PostgreSQL, text
// is ordered bytewise (COLLATE "C"), as SQLite orders it.
func keyList(t *Table, postgres bool) string {
	var parts []string
	for _, k := range t.Key {
		p := quote(k)
		if postgres {
			for _, c := range t.Columns {
				if c.Name == k && c.Class == Text {
					p += ` COLLATE "C"`
				}
			}
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}
