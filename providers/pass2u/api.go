package pass2u

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"till/providers/httpx"
	"till/store/sanitize"
)

// MaxBarcode bounds a barcode in bytes. Pass barcodes (QR, Code 128,
// PDF417 on a phone) are far shorter; a longer scan is noise or an attack,
// and would make a URL some proxies refuse.
const MaxBarcode = 512

// Models sends GET /models?account=A: the models whose campaigns the
// account may redeem. 429, 5xx and lost answers are retried.
func (c *Client) Models(ctx context.Context) ([]Model, error) {
	resp, err := c.do(ctx, http.MethodGet, c.base+"/models"+c.query)
	if err != nil {
		return nil, err
	}
	models, err := c.decodeModels(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("pass2u: models: HTTP %d: %w", resp.Status, err)
	}
	return models, nil
}

// Redeem sends POST .../barcodes/{barcode}/records: it uses the pass once
// in the campaign. Only 429 is retried (it was not processed); a 5xx or a
// lost answer comes back as is, because the redeem may have happened: see
// the package comment.
func (c *Client) Redeem(ctx context.Context, modelID, campaignID, barcode string) (Record, error) {
	target, err := c.recordsURL(ctx, modelID, campaignID, barcode)
	if err != nil {
		return Record{}, err
	}
	resp, err := c.do(ctx, http.MethodPost, target)
	if err != nil {
		return Record{}, err
	}
	r, err := c.decodeRecord(resp.Body, barcode)
	if err != nil {
		return Record{}, fmt.Errorf("pass2u: redeem: HTTP %d: %w", resp.Status, err)
	}
	r.Location = c.clean(resp.Header.Get("Location"), maxLocation)
	return r, nil
}

// Unredeem sends DELETE .../barcodes/{barcode}/records: it cancels the
// pass's redemption in the campaign, so it can be redeemed again. A pass
// that is not redeemed answers an error that IsNotRedeemed recognises.
func (c *Client) Unredeem(ctx context.Context, modelID, campaignID, barcode string) error {
	target, err := c.recordsURL(ctx, modelID, campaignID, barcode)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodDelete, target)
	return err
}

// recordsURL checks the three segments and escapes each: no barcode can
// add a segment, a query or a fragment to the path.
func (c *Client) recordsURL(ctx context.Context, modelID, campaignID, barcode string) (string, error) {
	switch {
	case !idString.MatchString(modelID):
		return "", notSent("the model id is not one Pass2U gives")
	case !idString.MatchString(campaignID):
		return "", notSent("the campaign id is not one Pass2U gives")
	}
	if why := badBarcode(barcode); why != "" {
		return "", notSent(why)
	}
	if err := ctx.Err(); err != nil {
		return "", notSent("cancelled: " + err.Error())
	}
	return c.base + "/models/" + url.PathEscape(modelID) + "/campaigns/" + url.PathEscape(campaignID) +
		"/barcodes/" + url.PathEscape(barcode) + "/records" + c.query, nil
}

// badBarcode says why a barcode cannot travel as one path segment, or "".
func badBarcode(v string) string {
	switch {
	case v == "":
		return "the barcode is empty"
	case len(v) > MaxBarcode:
		return fmt.Sprintf("the barcode is longer than %d bytes", MaxBarcode)
	case !utf8.ValidString(v):
		return "the barcode is not valid UTF-8"
	case sanitize.Text(v) != v:
		return "the barcode holds control characters"
	case v == "." || v == "..":
		// Escaping leaves dots as they are, and a proxy resolves them.
		return "the barcode is a dot segment"
	}
	return ""
}

// do sends a request and returns a 2xx answer, or an *Error for any other
// status, or an ErrNoAnswer error. GETs are retried on 429, 5xx and lost
// answers; other methods on 429 only.
func (c *Client) do(ctx context.Context, method, target string) (*httpx.Response, error) {
	read := method == http.MethodGet
	for attempt := 0; ; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		resp, err := c.http.Send(rctx, method, target, c.header, nil)
		cancel()
		var after time.Duration
		if err == nil {
			after = httpx.RetryAfter(resp.Header, c.now())
		}
		again := err == nil && resp.Status == http.StatusTooManyRequests ||
			read && (err != nil || httpx.Retryable(resp.Status))
		if !again || attempt+1 >= c.backoff.Attempts || ctx.Err() != nil || c.backoff.Wait(ctx, attempt, after) != nil {
			switch {
			case err != nil:
				return nil, fmt.Errorf("pass2u: %w: %s", ErrNoAnswer, c.clean(err.Error(), maxText))
			case resp.Status < 200 || resp.Status > 299:
				e := c.decodeError(resp.Status, resp.Body)
				e.RetryAfter = after
				return nil, e
			}
			return resp, nil
		}
	}
}
