package main

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The commands speak English. Every count they print beside a noun goes
// through golang.org/x/text's plural rules (CLDR), as the dashboard's do:
// "queued 1 message", "queued 2 messages". No sentence spells a plural by
// hand.

// The counted phrases of the commands; %d is the count.
const (
	nQueued     = "queued messages"
	nSkipped    = "skipped opted-out contacts"
	nDownstream = "views downstream"
	nArguments  = "got arguments"
	nFiles      = "files"
	nBytes      = "bytes"
)

// countForms holds each phrase's singular and plural (CLDR's "one" and
// "other").
var countForms = map[string][2]string{
	nQueued:     {"queued %d message", "queued %d messages"},
	nSkipped:    {"skipped %d opted-out contact", "skipped %d opted-out contacts"},
	nDownstream: {"%d view downstream", "%d views downstream"},
	nArguments:  {"got %d argument", "got %d arguments"},
	nFiles:      {"%d file", "%d files"},
	nBytes:      {"%d byte", "%d bytes"},
}

// countPrinter prints the phrases of countForms.
var countPrinter = func() *message.Printer {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for key, f := range countForms {
		if err := b.Set(language.English, key, plural.Selectf(1, "%d", "one", f[0], "other", f[1])); err != nil {
			panic(err) // a wording of ours that the catalog refuses
		}
	}
	return message.NewPrinter(language.English, message.Catalog(b))
}()

// count says n of the phrase key: "1 view downstream", "2 views downstream".
func count(key string, n int) string {
	return countPrinter.Sprintf(key, n)
}
