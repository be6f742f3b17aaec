package notify_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sillage/sillage/campaign"
)

// A person is found by their address written any way the import takes
// it, only among the campaign's own contacts.
func TestFindContacts(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	id, other := e.campaign(t, "fr"), e.campaign(t, "fr")
	e.importCSV(t, id, "name,email,phone,channel\nZoé,zoe@example.com,06 12 34 56 78,sms\nLéo,leo@example.com,,\n")
	e.importCSV(t, other, "name,email\nZoé,zoe@example.com\n")
	for _, c := range []struct {
		query string
		want  []string // names found
	}{
		{"ZOE@Example.com", []string{"Zoé"}},
		{" leo@example.com ", []string{"Léo"}},
		{"06 12 34 56 78", []string{"Zoé"}},
		{"+33612345678", []string{"Zoé"}},
		{"0612345678", []string{"Zoé"}},
		{"nobody@example.com", nil},
		{"+33 6 98 76 54 32", nil},
	} {
		got, err := e.store.FindContacts(ctx, id, c.query)
		if err != nil {
			t.Errorf("%q: %v", c.query, err)
			continue
		}
		var names []string
		for _, ct := range got {
			if ct.CampaignID != id {
				t.Errorf("%q found a contact of campaign %d", c.query, ct.CampaignID)
			}
			names = append(names, ct.Name)
		}
		if len(names) != len(c.want) || (len(names) == 1 && names[0] != c.want[0]) {
			t.Errorf("%q found %q, want %q", c.query, names, c.want)
		}
	}
	for _, bad := range []string{"", "hello", "zoe@", "12"} {
		var invalid *campaign.ValidationError
		if _, err := e.store.FindContacts(ctx, id, bad); !errors.As(err, &invalid) || invalid.Field != "address" {
			t.Errorf("%q: %v, want a ValidationError on address", bad, err)
		}
	}
}
