package notify

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/sillage/sillage/campaign"
)

// Limits of one contact file, unless ImportOptions says otherwise.
const (
	DefaultMaxImportBytes = 20 << 20
	DefaultMaxImportRows  = 500_000
)

// ImportOptions tunes Import.
type ImportOptions struct {
	// SkipInvalid imports the valid rows of a file that has invalid ones;
	// without it such a file imports nothing.
	SkipInvalid bool
	MaxBytes    int64 // default DefaultMaxImportBytes
	MaxRows     int   // default DefaultMaxImportRows
}

// RowError is one rejected row of a contact file. Format and Args are
// the reason before formatting, as in campaign.ValidationError.
type RowError struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Format string `json:"-"`
	Args   []any  `json:"-"`
}

func rowError(line int, why *campaign.ValidationError) RowError {
	return RowError{Line: line, Reason: why.Message, Format: why.Format, Args: why.Args}
}

// ImportResult is what an import did.
type ImportResult struct {
	Imported int        `json:"imported"` // contacts created
	Merged   int        `json:"merged"`   // rows merged into another row or an existing contact
	Rejected []RowError `json:"rejected"`
}

// contactRow is one valid row, before it is stored.
type contactRow struct {
	line        int
	name        string
	email       string
	phone       string
	channel     Channel
	channelSet  bool // written in the file, not inferred
	language    string
	languageSet bool
}

func (r *contactRow) address() string {
	if r.channel == Email {
		return r.email
	}
	return r.phone
}

// merge folds a later row for the same address into r: what the later row
// says wins, what it leaves empty does not erase.
func (r *contactRow) merge(o contactRow) {
	if o.name != "" {
		r.name = o.name
	}
	if o.email != "" {
		r.email = o.email
	}
	if o.phone != "" {
		r.phone = o.phone
	}
	if o.channelSet {
		r.channel, r.channelSet = o.channel, true
	}
	if o.languageSet {
		r.language, r.languageSet = o.language, true
	}
}

// columnNames maps the header names accepted, in lower case, to a column.
// French names are accepted because French spreadsheets are the first use.
var columnNames = map[string]string{
	"name": "name", "nom": "name", "full name": "name", "prénom": "name", "prenom": "name",
	"email": "email", "e-mail": "email", "mail": "email", "courriel": "email", "adresse email": "email",
	"phone": "phone", "telephone": "phone", "téléphone": "phone", "tel": "phone", "tél": "phone", "mobile": "phone", "portable": "phone",
	"channel": "channel", "canal": "channel",
	"language": "language", "lang": "language", "langue": "language",
}

// contactFile is a parsed contact file.
type contactFile struct {
	rows     []contactRow // valid rows, duplicates merged, in file order
	merged   int
	rejected []RowError
}

// parseContacts reads a contact file. A file-level problem (too large,
// empty, no usable header) is a *campaign.ValidationError; row problems are listed.
func parseContacts(r io.Reader, opts ImportOptions, region, defaultLanguage string) (*contactFile, error) {
	data, err := io.ReadAll(io.LimitReader(r, opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read contact file: %w", err)
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, campaign.Invalid("file", "is larger than %d MB", opts.MaxBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // spreadsheets write a BOM
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, campaign.Invalid("file", "is empty: the first line must name the columns, such as name,email,phone,channel,language")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = separator(data)
	cr.FieldsPerRecord = -1 // checked here, with a clearer message
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, campaign.Invalid("file", "first line: malformed CSV: %v", csvCause(err))
	}
	cols, err := columns(header)
	if err != nil {
		return nil, err
	}

	f := &contactFile{}
	index := map[string]int{} // address -> position in f.rows
	n := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			f.rejected = append(f.rejected, rowError(perr.StartLine, campaign.Invalid("", "malformed CSV: %v", perr.Err)))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read contact file: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue // the empty lines spreadsheets leave at the end
		}
		if n++; n > opts.MaxRows {
			return nil, campaign.Invalid("file", "has more than %d contacts: split it", opts.MaxRows)
		}
		if len(rec) != len(header) {
			f.rejected = append(f.rejected, rowError(line, campaign.Invalid("",
				"has %d fields where the header has %d (is %q the separator on every line?)", len(rec), len(header), cr.Comma)))
			continue
		}
		row, why := parseRow(rec, cols, region, defaultLanguage)
		if why != nil {
			f.rejected = append(f.rejected, rowError(line, why))
			continue
		}
		row.line = line
		if i, ok := index[row.address()]; ok {
			f.rows[i].merge(row)
			f.merged++
			continue
		}
		index[row.address()] = len(f.rows)
		f.rows = append(f.rows, row)
	}
	return f, nil
}

// separator picks ';' or ',', whichever the header line uses more, outside
// quotes: French spreadsheets export with ';' since ',' is their decimal
// point.
func separator(data []byte) rune {
	commas, semis, quoted := 0, 0, false
	for _, b := range data {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n':
			if semis > commas {
				return ';'
			}
			return ','
		case b == ',':
			commas++
		case b == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

// columns maps each known column to its position in the header.
func columns(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		name, ok := columnNames[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			continue // extra columns are common in exports: ignore them
		}
		if _, dup := cols[name]; dup {
			return nil, campaign.Invalid("header", "column %q appears twice", name)
		}
		cols[name] = i
	}
	_, email := cols["email"]
	_, phone := cols["phone"]
	if !email && !phone {
		return nil, campaign.Invalid("header", "no email or phone column: the first line must name the columns, such as name,email,phone,channel,language (found %q)", strings.Join(header, ","))
	}
	return cols, nil
}

// parseRow validates one record, or says why it is rejected.
func parseRow(rec []string, cols map[string]int, region, defaultLanguage string) (contactRow, *campaign.ValidationError) {
	field := func(name string) string {
		if i, ok := cols[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for _, v := range rec {
		if !utf8.ValidString(v) {
			return contactRow{}, campaign.Invalid("", "is not valid UTF-8 text (export the file as CSV UTF-8)")
		}
	}
	row := contactRow{name: cleanName(field("name"))}
	if utf8.RuneCountInString(row.name) > 200 {
		return row, campaign.Invalid("name", "name is longer than 200 characters")
	}
	var why *campaign.ValidationError
	if e := field("email"); e != "" {
		if row.email, why = parseEmail(e); why != nil {
			return row, why
		}
	}
	if p := field("phone"); p != "" {
		if row.phone, why = parsePhone(p, region); why != nil {
			return row, why
		}
	}
	if row.email == "" && row.phone == "" {
		return row, campaign.Invalid("", "has neither an email nor a phone number")
	}
	switch c := field("channel"); {
	case c != "":
		ch, err := ParseChannel(c)
		if err != nil {
			return row, campaign.Invalid("channel", "channel %q is not one of email, sms, whatsapp", c)
		}
		row.channel, row.channelSet = ch, true
	case row.email != "":
		row.channel = Email
	default:
		row.channel = SMS
	}
	if row.channel == Email && row.email == "" {
		return row, campaign.Invalid("channel", "channel email needs an email address")
	}
	if row.channel != Email && row.phone == "" {
		return row, campaign.Invalid("channel", "channel %s needs a phone number", row.channel)
	}
	row.language = defaultLanguage
	if l := field("language"); l != "" {
		lang, ok := parseLanguage(l)
		if !ok {
			return row, campaign.Invalid("language", "language %q is not fr or en", l)
		}
		row.language, row.languageSet = lang, true
	}
	return row, nil
}

// parseEmail returns the address in lower case, or why it is refused.
func parseEmail(s string) (string, *campaign.ValidationError) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || !strings.EqualFold(a.Address, s) {
		return "", campaign.Invalid("email", "email %q is not an email address", s)
	}
	at := strings.LastIndexByte(a.Address, '@')
	domain := a.Address[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.HasPrefix(domain, "[") {
		return "", campaign.Invalid("email", "email %q has no valid domain (such as example.com)", s)
	}
	// Local parts are case-sensitive in theory and never in practice: one
	// spelling per mailbox is what makes duplicates and opt-outs match.
	return strings.ToLower(a.Address), nil
}

// parsePhone returns the number in E.164, or why it is refused.
func parsePhone(s, region string) (string, *campaign.ValidationError) {
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return "", campaign.Invalid("phone", "phone %q is not a phone number", s)
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", campaign.Invalid("phone", "phone %q is not a valid number (numbers without a +country prefix are read as %s)", s, region)
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// parseLanguage accepts fr and en, in any case, with a region (fr-FR,
// en_GB) or spelt out.
func parseLanguage(s string) (string, bool) {
	l := strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(l, "-_"); i > 0 {
		l = l[:i]
	}
	switch l {
	case "fr", "fra", "fre", "french", "français", "francais":
		return "fr", true
	case "en", "eng", "english", "anglais":
		return "en", true
	}
	return "", false
}

// cleanName drops control characters, so a name cannot break a header or
// a layout.
func cleanName(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }), " ")
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// csvCause is what the CSV reader found wrong, without its line.
func csvCause(err error) error {
	if perr, ok := errors.AsType[*csv.ParseError](err); ok {
		return perr.Err
	}
	return err
}
