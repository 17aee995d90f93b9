package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// Microsoft Graph auditLogs/directoryAudits over the azcore pipeline that
// azlogs already brings (no msgraph-sdk-go): the bearer-token policy gives
// token caching, CAE claims challenges, the https-only rule and redacted
// logs. The SDK's own retries are off; this file paces and retries itself,
// because Graph's reports budget is five requests per 10 s per app per
// tenant and its Retry-After is fractional ("2.128"), which azcore ignores.

// Graph client defaults.
const (
	DefaultGraphPageSize = 500                     // first $top; halved when Graph refuses it
	DefaultGraphInterval = 2100 * time.Millisecond // one request per 2.1 s: under 5 per 10 s
	DefaultGraphAttempts = 8                       // tries per page on 429, 5xx and broken connections
	DefaultGraphBackoff  = 60 * time.Second        // the longest backoff without a Retry-After

	graphMaxRetryAfter = 10 * time.Minute // a longer Retry-After stops the pull (resume later)
	graphMaxRestarts   = 4                // chunk restarts from its first page (page token lost, $top halved)
)

// GraphClientOptions configure a GraphClient; the zero value takes the defaults.
type GraphClientOptions struct {
	// Transport sends the requests (tests: an httptest TLS server's Client()).
	Transport policy.Transporter
	// PageSize is the first $top (default 500). A 400 that complains about
	// it halves it, for the rest of the client's life.
	PageSize int
	// Interval is the least time between two requests (default 2.1 s).
	Interval time.Duration
	// MaxAttempts is how often one page is tried on 429, 5xx and broken
	// connections before the pull stops (default 8).
	MaxAttempts int
	// MaxBackoff caps the exponential backoff used when a 429 or 5xx has no
	// Retry-After (default 60 s).
	MaxBackoff time.Duration
	// Now and Sleep are the clock (tests make waits instant). PullOptions'
	// Now and Sleep, when set, take precedence during a pull.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// GraphClient lists directoryAudits records. It sends one request at a time
// (whatever the number of callers) and paces them.
type GraphClient struct {
	pl    runtime.Pipeline
	root  string // "https://graph.microsoft.com", no trailing slash
	host  string // root's host: nextLinks must stay on it
	cloud Cloud
	opt   GraphClientOptions

	mu   sync.Mutex   // held for a whole request, retries and waits included
	last time.Time    // when the last request was sent (zero: none yet); under mu
	top  atomic.Int64 // current $top
}

// NewGraphClient builds a client for c's Graph root. The token is asked
// for the scope root+"/.default". Azure China has no directoryAudits API
// and is refused here. A root that is not https is refused by azcore's
// bearer policy on the first request (tokens never travel in clear).
func NewGraphClient(cred azcore.TokenCredential, c Cloud, opt GraphClientOptions) (*GraphClient, error) {
	if err := graphAvailable(c); err != nil {
		return nil, err
	}
	if cred == nil {
		return nil, errors.New("graph client: no credential (sign in first)")
	}
	root := strings.TrimRight(c.GraphRoot, "/")
	u, err := url.Parse(root)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("graph client: the Graph root %q of cloud %q is not an absolute URL", c.GraphRoot, c.Name)
	}
	if opt.PageSize <= 0 {
		opt.PageSize = DefaultGraphPageSize
	}
	if opt.Interval <= 0 {
		opt.Interval = DefaultGraphInterval
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = DefaultGraphAttempts
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = DefaultGraphBackoff
	}
	bearer := runtime.NewBearerTokenPolicy(cred, []string{root + "/.default"}, nil)
	client, err := azcore.NewClient("guesthunt.live.graph", "v1.0.0",
		runtime.PipelineOptions{PerRetry: []policy.Policy{bearer}},
		&azcore.ClientOptions{
			Transport: opt.Transport,
			Retry:     policy.RetryOptions{MaxRetries: -1}, // our own loop below
		})
	if err != nil {
		return nil, fmt.Errorf("graph client: %w", err)
	}
	gc := &GraphClient{pl: client.Pipeline(), root: root, host: strings.ToLower(u.Host), cloud: c, opt: opt}
	gc.top.Store(int64(opt.PageSize))
	return gc, nil
}

// graphAvailable refuses clouds without directoryAudits (Azure China).
func graphAvailable(c Cloud) error {
	n := strings.ToLower(c.Name)
	if n == "china" || n == "azurechina" || strings.HasSuffix(strings.ToLower(c.GraphRoot), ".cn") {
		return permanent(fmt.Errorf("graph pull in cloud %q: %w", c.Name, errGraphChina))
	}
	if c.GraphRoot == "" {
		why := c.GraphNotFound
		if why == "" {
			why = "it has no Microsoft Graph root"
		}
		return permanent(fmt.Errorf("graph pull in cloud %q: %s", c.Name, why))
	}
	return nil
}

// Root is the Graph root requests go to ("https://graph.microsoft.com").
func (c *GraphClient) Root() string { return c.root }

// PageSize is the $top the next chunk asks for.
func (c *GraphClient) PageSize() int { return int(c.top.Load()) }

// graphClock is the clock of one pull, with a hook that reports waits.
type graphClock struct {
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	onWait func(until time.Time, why string) // may be nil
	// throttled counts 429 answers waited out.
	throttled int
}

func (c *GraphClient) clock(now func() time.Time, sleep func(context.Context, time.Duration) error) *graphClock {
	clk := &graphClock{now: c.opt.Now, sleep: c.opt.Sleep}
	if now != nil {
		clk.now = now
	}
	if sleep != nil {
		clk.sleep = sleep
	}
	if clk.now == nil {
		clk.now = time.Now
	}
	if clk.sleep == nil {
		clk.sleep = sleepCtx
	}
	return clk
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (clk *graphClock) wait(ctx context.Context, d time.Duration, why string) error {
	if d <= 0 {
		return ctx.Err()
	}
	if clk.onWait != nil {
		clk.onWait(clk.now().Add(d), why)
	}
	return clk.sleep(ctx, d)
}

// graphTimeLayout writes filter bounds: whole seconds, UTC.
const graphTimeLayout = "2006-01-02T15:04:05Z"

// firstPageURL is the request for the first page of the window [a, b]
// (inclusive, whole seconds).
func (c *GraphClient) firstPageURL(a, b time.Time, scope Scope, top int) (string, error) {
	filter, err := GraphFilter(a, b, scope)
	if err != nil {
		return "", err
	}
	return c.root + "/v1.0/auditLogs/directoryAudits?$filter=" + escapeQueryValue(filter) + "&$top=" + strconv.Itoa(top), nil
}

// escapeQueryValue percent-encodes a query value with %20 for spaces (not
// '+', which OData servers do not all read as a space).
func escapeQueryValue(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// graphPage is one page of records, each the record's exact JSON.
type graphPage struct {
	Records  []json.RawMessage
	NextLink string
	Bytes    int64 // of the response body
}

// getPage fetches one page, waiting for the pacer and retrying 429, 5xx and
// broken connections on the same URL (a nextLink stays valid until a
// response using it succeeds).
func (c *GraphClient) getPage(ctx context.Context, clk *graphClock, pageURL string) (graphPage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for attempt := 1; ; attempt++ {
		if err := c.pace(ctx, clk); err != nil {
			return graphPage{}, err
		}
		page, retryAfter, err := c.try(ctx, clk, pageURL)
		if err == nil {
			return page, nil
		}
		var retry *retryableError
		if !errors.As(err, &retry) {
			return graphPage{}, err
		}
		if attempt >= c.opt.MaxAttempts {
			return graphPage{}, fmt.Errorf("%w (gave up after %d tries)", retry.err, attempt)
		}
		d := retryAfter
		why := "Graph asked to wait (Retry-After)"
		if d < 0 {
			d = c.backoff(attempt)
			why = "backing off after: " + retry.err.Error()
		}
		if d > graphMaxRetryAfter {
			return graphPage{}, fmt.Errorf("%w; Graph asked to wait %s, longer than %s", retry.err, d, graphMaxRetryAfter)
		}
		if retry.throttled {
			clk.throttled++
			why = fmt.Sprintf("throttled by Graph (HTTP 429), waiting %s", d)
		}
		if err := clk.wait(ctx, d, why); err != nil {
			return graphPage{}, err
		}
	}
}

// pace waits until Interval has passed since the last request, then
// records this one's start. Called with c.mu held.
func (c *GraphClient) pace(ctx context.Context, clk *graphClock) error {
	if !c.last.IsZero() {
		if d := c.last.Add(c.opt.Interval).Sub(clk.now()); d > 0 {
			if err := clk.sleep(ctx, d); err != nil {
				return err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.last = clk.now()
	return nil
}

// backoff is the wait before try attempt+1 when the server did not say:
// the pacer's interval, doubled each time, up to MaxBackoff.
func (c *GraphClient) backoff(attempt int) time.Duration {
	d := c.opt.Interval
	for i := 1; i < attempt && d < c.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, c.opt.MaxBackoff)
}

// retryableError is a failure worth trying the same request again for.
type retryableError struct {
	err       error
	throttled bool // a 429
}

func (e *retryableError) Error() string { return e.err.Error() }
func (e *retryableError) Unwrap() error { return e.err }

// try sends one request. retryAfter is what the server asked for (-1: it
// did not say).
func (c *GraphClient) try(ctx context.Context, clk *graphClock, pageURL string) (graphPage, time.Duration, error) {
	req, err := runtime.NewRequest(ctx, http.MethodGet, pageURL)
	if err != nil {
		return graphPage{}, -1, fmt.Errorf("GET %s: %w", pageURL, err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	resp, err := c.pl.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return graphPage{}, -1, ctx.Err()
		}
		if isNonRetriable(err) {
			return graphPage{}, -1, permanent(fmt.Errorf("GET %s: refused before sending: %w", pageURL, err))
		}
		return graphPage{}, -1, &retryableError{err: fmt.Errorf("GET %s: the connection failed: %w", pageURL, err)}
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		if ctx.Err() != nil {
			return graphPage{}, -1, ctx.Err()
		}
		return graphPage{}, -1, &retryableError{err: fmt.Errorf("GET %s: the response broke off: %w", pageURL, err)}
	}
	switch resp.StatusCode {
	case http.StatusOK:
		page, err := parseGraphPage(body)
		if err != nil {
			return graphPage{}, -1, &retryableError{err: fmt.Errorf("GET %s: %w", pageURL, err)}
		}
		return page, -1, nil
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusRequestTimeout:
		ra := time.Duration(-1)
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), clk.now()); ok {
			ra = d
		}
		gerr := classifyGraphError(pageURL, resp.StatusCode, resp.Header, body)
		if errors.Is(gerr, errPageToken) {
			return graphPage{}, -1, gerr
		}
		return graphPage{}, ra, &retryableError{err: gerr, throttled: resp.StatusCode == http.StatusTooManyRequests}
	}
	return graphPage{}, -1, classifyGraphError(pageURL, resp.StatusCode, resp.Header, body)
}

// parseRetryAfter reads a Retry-After value: whole or fractional seconds
// ("2.128", as Graph sends it) or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e6 {
			return 0, false
		}
		return time.Duration(math.Round(f * float64(time.Second))), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// parseGraphPage reads {"value":[...],"@odata.nextLink":...}, keeping each
// record's exact bytes.
func parseGraphPage(body []byte) (graphPage, error) {
	var env struct {
		Value    *[]json.RawMessage `json:"value"`
		NextLink string             `json:"@odata.nextLink"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return graphPage{}, fmt.Errorf("the page is not valid JSON (%v)", err)
	}
	if env.Value == nil {
		return graphPage{}, errors.New(`the page has no "value" array of records`)
	}
	return graphPage{Records: *env.Value, NextLink: env.NextLink, Bytes: int64(len(body))}, nil
}

// checkNextLink refuses a nextLink that would take the token to another host.
func (c *GraphClient) checkNextLink(link string) error {
	u, err := url.Parse(link)
	if err != nil || !u.IsAbs() {
		return fmt.Errorf("Graph sent an @odata.nextLink that is not an absolute URL: %q", shorten(link, 200))
	}
	if !strings.EqualFold(u.Host, c.host) {
		return fmt.Errorf("Graph sent an @odata.nextLink to another host (%s, not %s); not following it with the token", u.Host, c.host)
	}
	return nil
}

// chunkFetch is what one pass over a chunk's pages produced.
type chunkFetch struct {
	Rows    int64 // records written
	Bytes   int64 // response bytes
	Pages   int
	Outside int64 // records returned for the request window but kept by a neighbouring chunk
}

// writeChunk pages through the window [floor_s(from), ceil_s(to)] and
// writes every record whose activityDateTime is in [from, to) to w as one compact JSON line (graph-ndjson), byte for
// byte as Graph sent it apart from insignificant white space. Records whose
// time cannot be read are written too: the loader rejects them by name.
// It returns errPageToken or errTopTooBig (wrapped) when the chunk must be
// fetched again from the first page.
func (c *GraphClient) writeChunk(ctx context.Context, clk *graphClock, from, to time.Time, scope Scope, w io.Writer, st *chunkFetch, onPage func(chunkFetch)) error {
	a, b := floorSecond(from), ceilSecond(to)
	next, err := c.firstPageURL(a, b, scope, c.PageSize())
	if err != nil {
		return err
	}
	var line bytes.Buffer
	for next != "" {
		page, err := c.getPage(ctx, clk, next)
		if err != nil {
			return err
		}
		st.Pages++
		st.Bytes += page.Bytes
		for _, raw := range page.Records {
			if t, ok := recordTime(raw); ok && (t.Before(from) || !t.Before(to)) {
				st.Outside++
				continue
			}
			line.Reset()
			if err := json.Compact(&line, raw); err != nil {
				return fmt.Errorf("a record on the page from %s is not valid JSON: %w", next, err)
			}
			line.WriteByte('\n')
			if _, err := w.Write(line.Bytes()); err != nil {
				return fmt.Errorf("writing the spool: %w", err)
			}
			st.Rows++
		}
		if onPage != nil {
			onPage(*st)
		}
		if page.NextLink == next {
			return fmt.Errorf("Graph answered %s with a nextLink to the same page; stopping rather than looping", next)
		}
		if page.NextLink != "" {
			if err := c.checkNextLink(page.NextLink); err != nil {
				return err
			}
		}
		next = page.NextLink
	}
	if st.Rows == 0 {
		// An empty file is no export a loader recognises; an empty Graph
		// page is (format graph, no records).
		if _, err := io.WriteString(w, emptyGraphPage); err != nil {
			return fmt.Errorf("writing the spool: %w", err)
		}
	}
	return nil
}

// emptyGraphPage is the spool of a chunk without records.
const emptyGraphPage = `{"value":[]}` + "\n"

// halveTop halves $top after Graph refused it; false when it is already 1.
func (c *GraphClient) halveTop() (int, bool) {
	for {
		top := c.top.Load()
		if top <= 1 {
			return int(top), false
		}
		if c.top.CompareAndSwap(top, top/2) {
			return int(top / 2), true
		}
	}
}

// recordTime reads a record's activityDateTime (false when it has none or
// it cannot be read).
func recordTime(raw json.RawMessage) (time.Time, bool) {
	var r struct {
		At string `json:"activityDateTime"`
	}
	if json.Unmarshal(raw, &r) != nil || r.At == "" {
		return time.Time{}, false
	}
	t, err := parseGraphTime(r.At)
	return t, err == nil
}

func floorSecond(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func ceilSecond(t time.Time) time.Time {
	f := floorSecond(t)
	if f.Equal(t.UTC()) {
		return f
	}
	return f.Add(time.Second)
}
