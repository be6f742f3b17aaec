package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// api is a client of the marketer's JSON API.
type api struct {
	base   string // server address without a trailing slash
	key    string
	client *http.Client
}

func newAPI(base *url.URL, key string) *api {
	return &api{
		base:   strings.TrimSuffix(base.String(), "/"),
		key:    key,
		client: &http.Client{Timeout: 5 * time.Minute}, // a large tree takes a while
	}
}

// call sends one API request with body (JSON unless contentType says
// otherwise) and decodes a want-status answer into out. Any other status
// is an error carrying the server's message.
func (a *api) call(ctx context.Context, method, path, contentType string, body io.Reader, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, a.base+"/api/v1"+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != want {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
		return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, bytes.TrimSpace(msg))
	}
	switch out := out.(type) {
	case nil:
		_, err = io.Copy(io.Discard, res.Body)
		return err
	case io.Writer: // the body as the server wrote it
		_, err = io.Copy(out, res.Body)
		return err
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}

func (a *api) callJSON(ctx context.Context, method, path string, in any, want int, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return a.call(ctx, method, path, "application/json", bytes.NewReader(b), want, out)
}

// campaignRules are the rules of the load campaign: sized so that the
// simulation is never refused (one seat per link, k forwards per claim,
// the depth limit or none, no view cap, and no cap per network: every
// simulated phone comes from the load tool's one address).
type campaignRules struct {
	SeatsPerLink        int   `json:"seats_per_link"`
	ForwardsPerClaim    int   `json:"forwards_per_claim"`
	MaxDepth            int   `json:"max_depth"`
	ViewCap             int64 `json:"view_cap"`
	MaxClaimsPerNetwork int   `json:"max_claims_per_network"`
}

// createCampaign creates the draft campaign and returns its id.
func (a *api) createCampaign(ctx context.Context, title string, rules campaignRules) (int64, error) {
	in := map[string]any{
		"title":    title,
		"language": "en",
		"teaser":   map[string]string{"title": "Something is coming", "description": "Only between friends: a load test of Sillage."},
		"rules":    rules,
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := a.callJSON(ctx, http.MethodPost, "/campaigns", in, http.StatusCreated, &out); err != nil {
		return 0, err
	}
	if out.ID == 0 {
		return 0, fmt.Errorf("POST /campaigns: no id in the answer")
	}
	return out.ID, nil
}

// putVideo uploads data as the campaign's video content.
func (a *api) putVideo(ctx context.Context, id int64, data []byte) error {
	return a.call(ctx, http.MethodPut, campaignPath(id)+"/content?name=load.mp4", "video/mp4", bytes.NewReader(data), http.StatusOK, nil)
}

// setStatus moves the campaign to status ("live", "paused", "ended").
func (a *api) setStatus(ctx context.Context, id int64, status string) error {
	return a.callJSON(ctx, http.MethodPost, campaignPath(id)+"/status", map[string]string{"status": status}, http.StatusOK, nil)
}

// seedBatch is the most seed links minted by one request.
const seedBatch = 10000

// mintSeeds mints n seed links, in batches, and returns their tokens.
func (a *api) mintSeeds(ctx context.Context, id int64, n int) ([]string, error) {
	tokens := make([]string, 0, n)
	for len(tokens) < n {
		count := min(seedBatch, n-len(tokens))
		var out struct {
			Links []struct {
				URL string `json:"url"`
			} `json:"links"`
		}
		if err := a.callJSON(ctx, http.MethodPost, campaignPath(id)+"/links", map[string]int{"count": count}, http.StatusCreated, &out); err != nil {
			return nil, err
		}
		if len(out.Links) != count {
			return nil, fmt.Errorf("POST /links: asked for %d links, got %d", count, len(out.Links))
		}
		for _, l := range out.Links {
			t, err := tokenOf(l.URL)
			if err != nil {
				return nil, fmt.Errorf("POST /links: %w", err)
			}
			tokens = append(tokens, t)
		}
	}
	return tokens, nil
}

// stats is the answer of GET /campaigns/{id}/stats.
type stats struct {
	Views     int64              `json:"views"`
	Reach     int64              `json:"reach"`
	Reviews   int64              `json:"reviews"`
	Exposures int64              `json:"exposures"`
	Links     int64              `json:"links"`
	MaxDepth  int64              `json:"max_depth"`
	Forwards  map[string]int64   `json:"forwards"`
	Previews  int64              `json:"previews"`
	Refusals  int64              `json:"refusals"`
	KFactor   map[string]float64 `json:"k_factor"`
}

func (a *api) stats(ctx context.Context, id int64) (*stats, error) {
	var s stats
	if err := a.call(ctx, http.MethodGet, campaignPath(id)+"/stats", "", nil, http.StatusOK, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// treeNode is one claim of GET /campaigns/{id}/tree.
type treeNode struct {
	ID      int64  `json:"id"`
	Parent  *int64 `json:"parent"`
	Depth   int    `json:"depth"`
	Channel string `json:"channel"`
}

func (a *api) tree(ctx context.Context, id int64) ([]treeNode, error) {
	var out struct {
		Nodes []treeNode `json:"nodes"`
	}
	if err := a.call(ctx, http.MethodGet, campaignPath(id)+"/tree", "", nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	return out.Nodes, nil
}

// raw returns the body of a 200 answer to GET path, as the server wrote
// it.
func (a *api) raw(ctx context.Context, path string) ([]byte, error) {
	var b bytes.Buffer
	err := a.call(ctx, http.MethodGet, path, "", nil, http.StatusOK, &b)
	return b.Bytes(), err
}

func campaignPath(id int64) string { return "/campaigns/" + strconv.FormatInt(id, 10) }

// tokenOf returns the share token of a link's address. The host is
// ignored: the server's public base URL may differ from the address the
// tool reaches it by.
func tokenOf(link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("link %q: %w", link, err)
	}
	t, ok := strings.CutPrefix(u.Path, "/s/")
	if !ok || t == "" || strings.Contains(t, "/") {
		return "", fmt.Errorf("link %q: not a /s/{token} address", link)
	}
	return t, nil
}
