package ipass

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// tokenSource fetches and caches an OAuth 2.0 client-credentials token.
type tokenSource struct {
	url, id, secret string

	mu  sync.Mutex
	tok string
	exp time.Time // zero: valid until iPASS refuses it
}

// errCredentials: the token endpoint refused the till's client credentials.
var errCredentials = errors.New("token endpoint refused the credentials")

// token returns the cached token or fetches one. The lock is held over the
// fetch so that concurrent payments share one request.
func (c *Client) token(ctx context.Context) (string, error) {
	ts := c.tokens
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.tok != "" && (ts.exp.IsZero() || c.now().Before(ts.exp)) {
		return ts.tok, nil
	}
	tok, ttl, err := c.fetchToken(ctx)
	if err != nil {
		return "", err
	}
	ts.tok, ts.exp = tok, time.Time{}
	if ttl > 0 {
		// renew a little early so a token does not expire in flight
		ts.exp = c.now().Add(ttl - min(ttl/10, time.Minute))
	}
	return ts.tok, nil
}

// forget drops tok after iPASS refused it, unless another payment has
// already replaced it.
func (c *Client) forget(tok string) {
	ts := c.tokens
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.tok == tok {
		ts.tok, ts.exp = "", time.Time{}
	}
}

func (c *Client) fetchToken(ctx context.Context) (string, time.Duration, error) {
	ts := c.tokens
	form := url.Values{"grant_type": {"client_credentials"}}.Encode()
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("Accept", "application/json")
	// RFC 6749 2.3.1: HTTP Basic, each part form-encoded first.
	basic := url.QueryEscape(ts.id) + ":" + url.QueryEscape(ts.secret)
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(basic)))

	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	resp, err := c.http.Send(actx, http.MethodPost, ts.url, h, []byte(form))
	if err != nil {
		return "", 0, fmt.Errorf("token request: %w", err)
	}
	switch {
	case resp.Status == http.StatusOK:
	case resp.Status == http.StatusBadRequest || resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden:
		// the body is not repeated: an echo of the request could hold the secret
		return "", 0, fmt.Errorf("%w (HTTP %d)", errCredentials, resp.Status)
	default:
		return "", 0, fmt.Errorf("token endpoint answered HTTP %d", resp.Status)
	}
	var t struct {
		AccessToken string          `json:"access_token"`
		TokenType   string          `json:"token_type"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(resp.Body, &t); err != nil || t.AccessToken == "" {
		return "", 0, errors.New("token endpoint answered without an access_token")
	}
	if t.TokenType != "" && !strings.EqualFold(t.TokenType, "bearer") {
		return "", 0, fmt.Errorf("token endpoint issued a %.20q token, not a bearer token", t.TokenType)
	}
	return t.AccessToken, expiresIn(t.ExpiresIn), nil
}

// expiresIn reads seconds given as a number or, as some servers do, a
// string; anything else means "until refused".
func expiresIn(raw json.RawMessage) time.Duration {
	s := string(bytes.Trim(raw, `"`))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > 366*24*3600 {
		return 0
	}
	return time.Duration(n) * time.Second
}
