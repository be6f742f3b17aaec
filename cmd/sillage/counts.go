package main

import "github.com/sillage/sillage/campaign/i18n"

// The commands speak English. Every count they print beside a noun goes
// through campaign/i18n's catalog, whose plural rules (CLDR) and digit
// grouping are the dashboard's: "queued 1 message", "queued 2 messages",
// "1,234 bytes". No sentence spells a plural by hand.

// The counted phrases of the commands: keys of the catalog, whose
// argument 1 is the count.
const (
	nQueued     = "cli.count.queued_messages"
	nSkipped    = "cli.count.skipped_opted_out"
	nDownstream = "cli.count.views_downstream"
	nArguments  = "cli.count.got_arguments"
	nFiles      = "cli.count.files"
	nBytes      = "cli.count.bytes"
)

// english is the commands' language.
var english = i18n.Get("en")

// count says n of the phrase key: "1 view downstream", "2 views downstream".
func count(key string, n int) string {
	return english.T(key, n)
}
