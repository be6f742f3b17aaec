package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/sillage/sillage/campaign"
	"github.com/sillage/sillage/web/internal/httpx"
)

// campaignID parses the {id} of the route; it writes a 404 and returns
// false for anything that is not a positive integer.
func campaignID(w http.ResponseWriter, r *http.Request) (campaign.ID, bool) {
	n, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || n <= 0 {
		httpx.Error(w, http.StatusNotFound, "campaign not found")
		return 0, false
	}
	return campaign.ID(n), true
}

// contactID parses the {contact} of the route; it writes a 404 and
// returns false for anything that is not a positive integer.
func contactID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	n, err := strconv.ParseInt(chi.URLParam(r, "contact"), 10, 64)
	if err != nil || n <= 0 {
		httpx.Error(w, http.StatusNotFound, "contact not found")
		return 0, false
	}
	return n, true
}

// pageParams reads the ?after= cursor and the ?limit= (1 to max, default 100)
// of a listing. Its errors are safe to show.
func pageParams(r *http.Request, max int) (after int64, limit int, err error) {
	q := r.URL.Query()
	limit = 100
	if v := q.Get("after"); v != "" {
		if after, err = strconv.ParseInt(v, 10, 64); err != nil || after < 0 {
			return 0, 0, errors.New("after: must be the id the previous page ended with")
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > max {
			return 0, 0, fmt.Errorf("limit: must be a whole number from 1 to %d", max)
		}
	}
	return after, limit, nil
}

// queryBool reads a yes/no query parameter: 1, true, 0, false or absent.
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: must be 1 or 0", name)
	}
	return b, nil
}
