package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/query/azlogs"

	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/hunt"
)

// DefaultWait is the server-side time limit a chunk query asks for
// (Prefer: wait); the service allows at most MaxWait.
const (
	DefaultWait = 5 * time.Minute
	MaxWait     = 10 * time.Minute
)

// LAClientOptions tune the Log Analytics client; the zero value is right
// for real use.
type LAClientOptions struct {
	Transport policy.Transporter // nil: azcore's default HTTP client (tests pass their TLS server's)
	// MaxRetries is how often the SDK itself retries 408, 429, 500, 502 and
	// 503 (never 504: a query that ran out of time is split, not re-run;
	// and a pull's queries leave 429 to the pull, which pauses every
	// worker). 0 means azcore's 3; a negative value turns SDK retries off,
	// so that the pull's own loop sees every answer (tests).
	MaxRetries    int
	RetryDelay    time.Duration // 0: azcore's 800 ms
	MaxRetryDelay time.Duration // 0: azcore's 60 s; a longer Retry-After comes back to the pull
}

// LAClient queries one cloud's Log Analytics API through azlogs: token
// caching, https only, and logs with the Authorization header redacted.
type LAClient struct {
	client *azlogs.Client
	cloud  Cloud
	retry  policy.RetryOptions
}

// LAResponse is a query's answer: its first table (PrimaryResult) decoded
// as azlogs does (encoding/json: numbers as float64 or strings, dynamic as
// a string or an object), and the body exactly as received.
type LAResponse struct {
	Columns []string
	Types   []string
	Rows    [][]any
	Raw     []byte
}

// NewLAClient builds the client for cloud c.
func NewLAClient(cred azcore.TokenCredential, c Cloud, opt LAClientOptions) (*LAClient, error) {
	if cred == nil {
		return nil, errors.New("Log Analytics client: no credential")
	}
	if c.LogsAudience == "" || c.LogsEndpoint == "" {
		return nil, fmt.Errorf("cloud %q has no Log Analytics endpoint", c.Name)
	}
	retry := policy.RetryOptions{
		MaxRetries:    int32(max(min(opt.MaxRetries, 100), -1)),
		RetryDelay:    opt.RetryDelay,
		MaxRetryDelay: opt.MaxRetryDelay,
		StatusCodes:   []int{http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable},
	}
	cfg := cloud.Configuration{
		ActiveDirectoryAuthorityHost: c.Azure.ActiveDirectoryAuthorityHost,
		Services:                     map[cloud.ServiceName]cloud.ServiceConfiguration{azlogs.ServiceName: {Audience: c.LogsAudience, Endpoint: c.LogsEndpoint}},
	}
	client, err := azlogs.NewClient(tokenCred{cred}, &azlogs.ClientOptions{ClientOptions: azcore.ClientOptions{
		Cloud: cfg, Transport: opt.Transport, Retry: retry,
	}})
	if err != nil {
		return nil, fmt.Errorf("Log Analytics client for cloud %q: %w", c.Name, err)
	}
	return &LAClient{client: client, cloud: c, retry: retry}, nil
}

var workspaceGUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// CheckTarget says whether target names a workspace: its GUID (workspace
// id), or its ARM id /subscriptions/.../workspaces/NAME. resource is true
// for an ARM id.
func CheckTarget(target string) (resource bool, err error) {
	switch {
	case workspaceGUID.MatchString(target):
		return false, nil
	case strings.HasPrefix(strings.ToLower(target), "/subscriptions/"):
		parts := strings.Split(strings.TrimSuffix(target, "/"), "/")
		ok := len(parts) >= 4 && strings.EqualFold(parts[len(parts)-2], "workspaces") && parts[len(parts)-1] != "" &&
			!strings.ContainsAny(target, "?#%\\ ") && !strings.Contains(target, "/../") && !strings.Contains(target, "/./")
		if ok {
			return true, nil
		}
	}
	return false, fmt.Errorf("%q names no workspace: give its workspace id (a GUID) or its ARM id, /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.OperationalInsights/workspaces/NAME", target)
}

// Query runs kql against target. envelope is the query's exact interval:
// it is sent as the API's timespan widened to whole seconds plus one on
// each side (the timespan is whole seconds and intersects with the query's
// own bounds, which are exact). wait is the server-side limit (0: 5 min).
// A PartialError answer returns the response and a *QueryError together:
// its rows are not the whole result.
func (c *LAClient) Query(ctx context.Context, target, kql string, envelope Interval, wait time.Duration) (LAResponse, error) {
	return c.query(ctx, target, kql, widen(envelope), wait, queryOpts{})
}

// pullQuery is Query for the pull's loop, which waits out a 429 itself
// (pausing every worker, slowing down, reading fractional Retry-After): the
// SDK retries only 408, 500, 502 and 503 here.
func (c *LAClient) pullQuery(ctx context.Context, target, kql string, envelope Interval, wait time.Duration) (LAResponse, error) {
	return c.query(ctx, target, kql, widen(envelope), wait, queryOpts{own429: true})
}

// widen is the whole-second timespan one second wider than iv on each side.
func widen(iv Interval) azlogs.TimeInterval {
	from := iv.From.UTC().Truncate(time.Second).Add(-time.Second)
	to := iv.To.UTC()
	if t := to.Truncate(time.Second); !t.Equal(to) {
		to = t.Add(time.Second)
	}
	return azlogs.NewTimeInterval(from, to.Add(time.Second))
}

type queryOpts struct {
	stats  bool // ask for the query's statistics in the body (kept raw, for the record)
	own429 bool // the caller handles 429: the SDK does not retry it
}

// query runs kql over span.
func (c *LAClient) query(ctx context.Context, target, kql string, span azlogs.TimeInterval, wait time.Duration, qo queryOpts) (LAResponse, error) {
	resource, err := CheckTarget(target)
	if err != nil {
		return LAResponse{}, &QueryError{Kind: KindConfig, Target: target, Err: err}
	}
	if wait <= 0 {
		wait = DefaultWait
	}
	wait = min(wait, MaxWait)
	waitS := int((wait + time.Second - 1) / time.Second)
	ro := c.retry
	ro.TryTimeout = time.Duration(waitS)*time.Second + 30*time.Second // the service gives up first
	if qo.own429 {
		ro.StatusCodes = slices.DeleteFunc(slices.Clone(ro.StatusCodes), func(s int) bool { return s == http.StatusTooManyRequests })
	}
	var httpResp *http.Response
	qctx := policy.WithCaptureResponse(policy.WithRetryOptions(ctx, ro), &httpResp)
	body := azlogs.QueryBody{Query: &kql, Timespan: &span}
	opts := &azlogs.QueryOptions{Wait: &waitS}
	if qo.stats {
		opts.Statistics = &qo.stats
	}
	var res azlogs.QueryResults
	if resource {
		r, qerr := c.client.QueryResource(qctx, target, body, &azlogs.QueryResourceOptions{Options: opts})
		res, err = r.QueryResults, qerr
	} else {
		r, qerr := c.client.QueryWorkspace(qctx, target, body, &azlogs.QueryWorkspaceOptions{Options: opts})
		res, err = r.QueryResults, qerr
	}
	if err != nil {
		if ctx.Err() != nil {
			return LAResponse{}, fmt.Errorf("Log Analytics workspace %s: %w", target, ctx.Err())
		}
		return LAResponse{}, classify(target, err, time.Now())
	}
	var out LAResponse
	if httpResp != nil {
		out.Raw, _ = runtime.Payload(httpResp)
	}
	if t := primaryTable(res.Tables); t != nil {
		for _, col := range t.Columns {
			out.Columns = append(out.Columns, deref(col.Name))
			typ := ""
			if col.Type != nil {
				typ = string(*col.Type)
			}
			out.Types = append(out.Types, typ)
		}
		out.Rows = make([][]any, len(t.Rows))
		for i, r := range t.Rows {
			out.Rows[i] = r
		}
	}
	if res.Error != nil {
		qe := partialError(target, out.Raw)
		if qe == nil {
			qe = &QueryError{Kind: KindPartial, Target: target, Status: http.StatusOK, Code: res.Error.Code, Message: res.Error.Error()}
		}
		return out, qe
	}
	if len(res.Tables) == 0 {
		return out, &QueryError{Kind: KindEmpty, Target: target, Status: http.StatusOK}
	}
	return out, nil
}

// primaryTable is the table named PrimaryResult, else the first.
func primaryTable(ts []azlogs.Table) *azlogs.Table {
	for i := range ts {
		if deref(ts[i].Name) == "PrimaryResult" {
			return &ts[i]
		}
	}
	if len(ts) > 0 {
		return &ts[0]
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Kusto adapts the client to hunt's push-down interface for one workspace.
func (c *LAClient) Kusto(target string) hunt.Kusto { return laKusto{c: c, target: target} }

type laKusto struct {
	c      *LAClient
	target string
}

// Query sends the envelope as it is (hunt made it whole seconds), allows
// the service's longest wait (a rule over 14 days is one query) and asks
// for statistics, which stay in Raw for the record.
func (k laKusto) Query(ctx context.Context, query string, envelope [2]time.Time) (hunt.RemoteTable, error) {
	r, err := k.c.query(ctx, k.target, query, azlogs.NewTimeInterval(envelope[0].UTC(), envelope[1].UTC()), MaxWait, queryOpts{stats: true})
	if err != nil {
		return hunt.RemoteTable{Columns: r.Columns, Types: r.Types, Rows: r.Rows, Raw: r.Raw}, err
	}
	rows, err := exactRows(r.Raw, r.Columns, r.Types)
	if err != nil {
		return hunt.RemoteTable{}, err
	}
	return hunt.RemoteTable{Columns: r.Columns, Types: r.Types, Rows: rows, Raw: r.Raw}, nil
}

// tokenCred marks the credential's failures, so that "could not sign in"
// is told apart from a broken connection.
type tokenCred struct{ c azcore.TokenCredential }

func (t tokenCred) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tk, err := t.c.GetToken(ctx, o)
	if err != nil {
		return tk, &tokenError{err}
	}
	return tk, nil
}

type tokenError struct{ err error }

func (e *tokenError) Error() string { return e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

// cell is row i's value of the named column, nil when there is none.
func (r LAResponse) cell(i int, name string) any {
	if i < 0 || i >= len(r.Rows) {
		return nil
	}
	for k, c := range r.Columns {
		if c == name && k < len(r.Rows[i]) {
			return r.Rows[i][k]
		}
	}
	return nil
}

// cellInt reads a long leniently: a JSON number or a string of one (the
// REST spec's own example sends numbers as strings); 0 when unreadable.
func cellInt(r LAResponse, i int, name string) int64 {
	switch v := r.cell(i, name).(type) {
	case float64:
		if v >= -9e18 && v <= 9e18 {
			return int64(v)
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= -9e18 && f <= 9e18 {
			return int64(f)
		}
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
	}
	return 0
}

// cellTime reads a datetime (a string, 0 to 7 fractional digits).
func cellTime(r LAResponse, i int, name string) (time.Time, bool) {
	s, ok := r.cell(i, name).(string)
	if !ok {
		return time.Time{}, false
	}
	t, err := formats.ParseTimestamp(s)
	return t, err == nil
}
