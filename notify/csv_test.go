package notify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/notify"
)

func TestImportValidFiles(t *testing.T) {
	for name, tc := range map[string]struct {
		file     string
		imported int
		merged   int
		want     []notify.Contact // checked by address
	}{
		"Comma": {
			file:     "name,email,phone,channel,language\nAlice,alice@example.com,,email,fr\nBob,,06 12 34 56 78,sms,en\n",
			imported: 2,
			want: []notify.Contact{
				{Name: "Alice", Email: "alice@example.com", Channel: notify.Email, Address: "alice@example.com", Language: "fr"},
				{Name: "Bob", Phone: "+33612345678", Channel: notify.SMS, Address: "+33612345678", Language: "en"},
			},
		},
		"SemicolonBOMCRLFAnyOrderAnyCase": {
			file:     "\uFEFFLangue;Téléphone;NOM;E-mail\r\nen;+44 7911 123456;Carol;\r\n;;Dan;DAN@Example.ORG\r\n",
			imported: 2,
			want: []notify.Contact{
				{Name: "Carol", Phone: "+447911123456", Channel: notify.SMS, Address: "+447911123456", Language: "en"},
				{Name: "Dan", Email: "dan@example.org", Channel: notify.Email, Address: "dan@example.org", Language: "fr"},
			},
		},
		"QuotedSeparatorsInside": {
			file:     "name;email;phone\n\"Durand; Eve\";eve@example.com;\n\"Frank, \"\"the\"\" Second\";;\"+33 6 98 76 54 32\"\n",
			imported: 2,
			want: []notify.Contact{
				{Name: "Durand; Eve", Email: "eve@example.com", Channel: notify.Email, Address: "eve@example.com", Language: "fr"},
				{Name: `Frank, "the" Second`, Phone: "+33698765432", Channel: notify.SMS, Address: "+33698765432", Language: "fr"},
			},
		},
		"WhatsAppAndDefaultChannel": {
			file:     "name,email,phone,channel\nGus,gus@example.com,0611111111,whatsapp\nHal,hal@example.com,0622222222,\n",
			imported: 2,
			want: []notify.Contact{
				{Name: "Gus", Email: "gus@example.com", Phone: "+33611111111", Channel: notify.WhatsApp, Address: "+33611111111", Language: "fr"},
				{Name: "Hal", Email: "hal@example.com", Phone: "+33622222222", Channel: notify.Email, Address: "hal@example.com", Language: "fr"},
			},
		},
		"DuplicatesMerged": {
			file:     "name,email,phone,language\n,ivy@example.com,,\nIvy,IVY@example.com,0633333333,en\nJo,,06 44 44 44 44,\nJo B,,+33644444444,\n",
			imported: 2,
			merged:   2,
			want: []notify.Contact{
				{Name: "Ivy", Email: "ivy@example.com", Phone: "+33633333333", Channel: notify.Email, Address: "ivy@example.com", Language: "en"},
				{Name: "Jo B", Phone: "+33644444444", Channel: notify.SMS, Address: "+33644444444", Language: "fr"},
			},
		},
		"ExtraColumnsAndBlankLines": {
			file:     "id,name,email,notes\n1,Kim,kim@example.com,VIP\n,,,\n\n",
			imported: 1,
			want:     []notify.Contact{{Name: "Kim", Email: "kim@example.com", Channel: notify.Email, Address: "kim@example.com", Language: "fr"}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			id := e.campaign(t, "fr")
			res := e.importCSV(t, id, tc.file)
			if res.Imported != tc.imported || res.Merged != tc.merged || len(res.Rejected) != 0 {
				t.Fatalf("result = %+v, want imported %d, merged %d, none rejected", res, tc.imported, tc.merged)
			}
			got, err := e.store.Contacts(context.Background(), id, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d contacts, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				g.ID, g.CampaignID, g.CreatedAt, g.UpdatedAt = 0, 0, time.Time{}, time.Time{}
				if g != w {
					t.Errorf("contact %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestImportRejectsRows(t *testing.T) {
	for name, tc := range map[string]struct {
		file string
		want []notify.RowError // reasons are matched by substring
	}{
		"BadNumbers": {
			file: "name,phone\nA,0612345678\nB,12\nC,not a number\nD,+33 1\n",
			want: []notify.RowError{{Line: 3, Reason: `phone "12"`}, {Line: 4, Reason: `phone "not a number" is not a phone number`}, {Line: 5, Reason: `phone "+33 1"`}},
		},
		"BadEmails": {
			file: "name,email\nA,a@example.com\nB,b@localhost\nC,not-an-email\nD,Dee <d@example.com>\nE,e@.com\n",
			want: []notify.RowError{{Line: 3, Reason: "no valid domain"}, {Line: 4, Reason: "not an email address"}, {Line: 5, Reason: "not an email address"}, {Line: 6, Reason: "email"}},
		},
		"MixedSeparators": {
			file: "name;email;phone\nA;a@example.com;\nB,b@example.com,\nC;c@example.com;\n",
			want: []notify.RowError{{Line: 3, Reason: `has 1 fields where the header has 3 (is ';' the separator`}},
		},
		"ChannelWithoutAddress": {
			file: "name,email,phone,channel\nA,a@example.com,,sms\nB,,0612345678,email\nC,,,\nD,d@example.com,,fax\nE,e@example.com,,\n",
			want: []notify.RowError{{Line: 2, Reason: "channel sms needs a phone number"}, {Line: 3, Reason: "channel email needs an email address"},
				{Line: 4, Reason: "neither an email nor a phone"}, {Line: 5, Reason: `channel "fax"`}},
		},
		"BadLanguageAndLatin1": {
			file: "name,email,language\nA,a@example.com,de\nB\xe9,b@example.com,fr\nC,c@example.com,FR-ca\n",
			want: []notify.RowError{{Line: 2, Reason: `language "de"`}, {Line: 3, Reason: "not valid UTF-8"}},
		},
		"MalformedQuotes": {
			file: "name,email\nA \"x\" B,a@example.com\nC,c@example.com\n",
			want: []notify.RowError{{Line: 2, Reason: "malformed CSV"}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			id := e.campaign(t, "fr")
			ctx := context.Background()
			res, err := e.store.Import(ctx, id, strings.NewReader(tc.file), notify.ImportOptions{})
			if !errors.Is(err, notify.ErrInvalidRows) {
				t.Fatalf("Import error = %v, want ErrInvalidRows", err)
			}
			checkRejected(t, res.Rejected, tc.want)
			if res.Imported != 0 || e.count(t, `SELECT COUNT(*) FROM contacts`) != 0 {
				t.Fatalf("a file with errors imported contacts: %+v", res)
			}
			// Asked to skip them, the valid rows go in.
			res, err = e.store.Import(ctx, id, strings.NewReader(tc.file), notify.ImportOptions{SkipInvalid: true})
			if err != nil {
				t.Fatalf("Import(SkipInvalid) = %v", err)
			}
			checkRejected(t, res.Rejected, tc.want)
			if n := e.count(t, `SELECT COUNT(*) FROM contacts`); n != res.Imported || n == 0 {
				t.Errorf("stored %d contacts, result says %d imported", n, res.Imported)
			}
		})
	}
}

func checkRejected(t *testing.T, got, want []notify.RowError) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("rejected = %+v, want %d rows", got, len(want))
	}
	for i := range want {
		if got[i].Line != want[i].Line || !strings.Contains(got[i].Reason, want[i].Reason) {
			t.Errorf("rejected[%d] = %+v, want line %d with %q", i, got[i], want[i].Line, want[i].Reason)
		}
	}
}

func TestImportRejectsFiles(t *testing.T) {
	for name, tc := range map[string]struct {
		file  string
		opts  notify.ImportOptions
		field string
	}{
		"Empty":            {file: "", field: "file"},
		"OnlyBOMAndSpaces": {file: "\uFEFF \r\n \n", field: "file"},
		"NoHeader":         {file: "Alice,alice@example.com\n", field: "header"},
		"WrongColumns":     {file: "nom complet;adresse;numéro\nA;B;C\n", field: "header"},
		"ColumnTwice":      {file: "email,mail\na@example.com,b@example.com\n", field: "header"},
		"TooLarge":         {file: contactsCSV(100, "example.com"), opts: notify.ImportOptions{MaxBytes: 1000}, field: "file"},
		"TooManyRows":      {file: contactsCSV(11, "example.com"), opts: notify.ImportOptions{MaxRows: 10}, field: "file"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			id := e.campaign(t, "fr")
			_, err := e.store.Import(context.Background(), id, strings.NewReader(tc.file), tc.opts)
			var v *campaign.ValidationError
			if !errors.As(err, &v) || v.Field != tc.field {
				t.Fatalf("Import = %v, want a validation error on %s", err, tc.field)
			}
		})
	}
	t.Run("UnknownCampaign", func(t *testing.T) {
		e := newEnv(t)
		_, err := e.store.Import(context.Background(), 42, strings.NewReader("email\na@example.com\n"), notify.ImportOptions{})
		if !errors.Is(err, notify.ErrNotFound) {
			t.Fatalf("Import = %v, want ErrNotFound", err)
		}
	})
}

func TestImportAgainMerges(t *testing.T) {
	e := newEnv(t)
	id := e.campaign(t, "en")
	e.importCSV(t, id, "name,email,phone\nAlice,alice@example.com,\n")
	res := e.importCSV(t, id, "name,email,phone,language\n,alice@example.com,0612345678,fr\nBob,bob@example.com,,\n")
	if res.Imported != 1 || res.Merged != 1 {
		t.Fatalf("second import = %+v, want 1 imported and 1 merged", res)
	}
	got, _ := e.store.Contacts(context.Background(), id, 0, 0)
	if a := got[0]; a.Name != "Alice" || a.Phone != "+33612345678" || a.Language != "fr" || len(got) != 2 {
		t.Fatalf("contacts after merge = %+v", got)
	}
}

// TestImportTenMegabytes imports a generated 10 MB file and reports how
// long it takes.
func TestImportTenMegabytes(t *testing.T) {
	if testing.Short() {
		t.Skip("large file")
	}
	var b strings.Builder
	b.WriteString("name;email;phone;channel;language\r\n")
	for i := 0; b.Len() < 10<<20; i++ {
		if i%3 == 0 {
			fmt.Fprintf(&b, "\"Contact, n°%d\";;06%08d;sms;fr\r\n", i, i)
		} else {
			fmt.Fprintf(&b, "Contact %d;contact.%d@example.com;;;en\r\n", i, i)
		}
	}
	e := newEnv(t)
	id := e.campaign(t, "fr")
	start := time.Now()
	res, err := e.store.Import(context.Background(), id, strings.NewReader(b.String()), notify.ImportOptions{})
	if err != nil {
		t.Fatalf("Import = %v (first rejected: %v)", err, first(res))
	}
	elapsed := time.Since(start)
	if n := e.count(t, `SELECT COUNT(*) FROM contacts`); n != res.Imported || n < 150_000 {
		t.Fatalf("imported %d, stored %d", res.Imported, n)
	}
	t.Logf("10 MB contact file: %d contacts imported in %v (%.0f rows/s)", res.Imported, elapsed.Round(time.Millisecond), float64(res.Imported)/elapsed.Seconds())
}

func first(res *notify.ImportResult) any {
	if res == nil || len(res.Rejected) == 0 {
		return nil
	}
	return res.Rejected[0]
}
