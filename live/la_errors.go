package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// ErrKind says what went wrong with a query, as far as the pull's loop
// needs to know: wait, split, retry or stop.
type ErrKind int

const (
	KindOther      ErrKind = iota // anything else: stop
	KindThrottled                 // 429: wait RetryAfter, then slow down
	KindTooLarge                  // the result was cut at the service's limits: split
	KindTimeout                   // 504: the query ran past wait: split, never re-send as is
	KindPartial                   // 200 with a PartialError not about size: retry once, then split
	KindPermission                // 401/403: ask for a role
	KindNoContent                 // 204: the workspace holds no data
	KindEmpty                     // 200 without tables: a failure
	KindBadQuery                  // 400: the service refused the query
	KindTransport                 // the connection broke (also mid-body), or 408/5xx: retry
	KindAuth                      // no token could be had (sign-in, claims challenge)
	KindConfig                    // the endpoint or target cannot work (plain http, a malformed id)
)

var kindNames = [...]string{"failed", "throttled", "too large", "timed out", "partial", "permission denied",
	"no content", "empty", "bad query", "transport", "sign-in", "configuration"}

func (k ErrKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "failed"
}

// RoleHint is what to ask an administrator for when the workspace refuses.
const RoleHint = "Log Analytics Reader or Microsoft Sentinel Reader on the workspace"

// QueryError is a failed (or partial) Log Analytics query, in words.
type QueryError struct {
	Kind       ErrKind
	Target     string        // the workspace
	Status     int           // HTTP status, 0 when none came
	Code       string        // the service's error code (PartialError, BadArgumentError, ...)
	Details    []string      // the codes of the error's details (E_QUERY_RESULT_SET_TOO_LARGE, ...)
	Message    string        // the service's message(s), outermost first
	RetryAfter time.Duration // Throttled: as the service asked; 0 when it did not say
	Challenge  string        // a WWW-Authenticate challenge (claims), verbatim
	Err        error         // the underlying error, if any
}

func (e *QueryError) Unwrap() error { return e.Err }

func (e *QueryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Log Analytics workspace %s: ", e.Target)
	switch e.Kind {
	case KindThrottled:
		b.WriteString("throttled (429 Too Many Requests)")
		if e.RetryAfter > 0 {
			fmt.Fprintf(&b, ", asked to wait %s", e.RetryAfter)
		}
	case KindTooLarge:
		b.WriteString("the result was cut at the service's size or row limit")
	case KindTimeout:
		b.WriteString("the query ran past its time limit (504 Gateway Timeout)")
	case KindPartial:
		b.WriteString("the service answered only in part (PartialError)")
	case KindPermission:
		fmt.Fprintf(&b, "access denied (%d): ask for %s", e.Status, RoleHint)
	case KindNoContent:
		b.WriteString("the workspace has no data (204 No Content): nothing is stored there, or nothing you may read")
	case KindEmpty:
		b.WriteString("the answer held no table (an empty 200): the query's result is unknown")
	case KindBadQuery:
		fmt.Fprintf(&b, "the service refused the query (%d)", e.Status)
	case KindTransport:
		if e.Status != 0 {
			fmt.Fprintf(&b, "the service failed (%d %s)", e.Status, http.StatusText(e.Status))
		} else {
			b.WriteString("the connection failed")
		}
	case KindAuth:
		b.WriteString("could not sign in")
		if hint := SignInHint(e.Err); hint != "" {
			// The next step first: a message line cuts from the right.
			b.WriteString(": " + hint)
		}
	case KindConfig:
		b.WriteString("cannot query")
	default:
		if e.Status != 0 {
			fmt.Fprintf(&b, "the query failed (%d %s)", e.Status, http.StatusText(e.Status))
		} else {
			b.WriteString("the query failed")
		}
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.Details) > 0 {
		b.WriteString(" [" + strings.Join(e.Details, ", ") + "]")
	}
	if e.Kind == KindBadQuery && strings.Contains(e.Message, "Failed to resolve table") && strings.Contains(e.Message, "AuditLogs") {
		b.WriteString(" (the workspace has no AuditLogs table you may read: Entra ID's diagnostic settings must send AuditLogs to it, and table-level access must allow it)")
	}
	if e.Challenge != "" {
		b.WriteString("; the service's challenge: " + e.Challenge)
	}
	if e.Err != nil && e.Message == "" {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// laErrorBody is the service's error object, {"error":{...}}, with nested
// innererror giving the specific cause (SemanticError: "Failed to resolve
// table ...").
type laErrorBody struct {
	Code       string        `json:"code"`
	Message    string        `json:"message"`
	Details    []laErrorBody `json:"details"`
	InnerError *laErrorBody  `json:"innererror"`
}

// describe flattens an error object, depth first: its messages (each
// once), outermost first, and the codes below the top one.
func (e *laErrorBody) describe() (msg string, codes []string) {
	var msgs []string
	seen := map[string]bool{}
	var walk func(x *laErrorBody, depth int)
	walk = func(x *laErrorBody, depth int) {
		if x == nil || depth > 8 {
			return
		}
		if m := strings.TrimRight(strings.TrimSpace(x.Message), "."); m != "" && !seen[m] { // joined with ": "
			seen[m] = true
			msgs = append(msgs, m)
		}
		if depth > 0 && x.Code != "" {
			codes = append(codes, x.Code)
		}
		for i := range x.Details {
			walk(&x.Details[i], depth+1)
		}
		walk(x.InnerError, depth+1)
	}
	walk(e, 0)
	return strings.Join(msgs, ": "), codes
}

// parseErrorBody reads {"error":{...}} from a body; ok is false when the
// body holds no such object.
func parseErrorBody(body []byte) (laErrorBody, bool) {
	var env struct {
		Error *laErrorBody `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil || env.Error == nil {
		return laErrorBody{}, false
	}
	return *env.Error, true
}

// partialError classifies a 200's PartialError: too large when a code or
// a message names the result-size limit. The service puts
// E_QUERY_RESULT_SET_TOO_LARGE in a detail's code or only in its inner
// error's message ("... exceed the set limit of 64000000 bytes, so not all
// records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003)").
func partialError(target string, body []byte) *QueryError {
	e, ok := parseErrorBody(body)
	if !ok {
		return nil
	}
	msg, codes := e.describe()
	qe := &QueryError{Kind: KindPartial, Target: target, Status: http.StatusOK, Code: e.Code, Details: codes, Message: msg}
	low := strings.ToLower(msg + " " + strings.Join(codes, " "))
	if strings.Contains(low, "e_query_result_set_too_large") || strings.Contains(low, "result set") ||
		strings.Contains(low, "exceed") && (strings.Contains(low, "bytes") || strings.Contains(low, "size") || strings.Contains(low, "records")) {
		qe.Kind = KindTooLarge
	}
	return qe
}

// classify turns what azlogs returned into a *QueryError. The caller
// checks its own context first: a try that outran its TryTimeout is a
// transport failure here, not a cancellation.
func classify(target string, err error, now time.Time) error {
	if err == nil {
		return nil
	}
	var te *tokenError
	if errors.As(err, &te) {
		return &QueryError{Kind: KindAuth, Target: target, Err: te.err}
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		if strings.Contains(err.Error(), "non-TLS") {
			return &QueryError{Kind: KindConfig, Target: target, Err: err}
		}
		return &QueryError{Kind: KindTransport, Target: target, Err: err}
	}
	qe := &QueryError{Target: target, Status: re.StatusCode, Code: re.ErrorCode}
	var body []byte
	if re.RawResponse != nil {
		body, _ = runtime.Payload(re.RawResponse)
		if eb, ok := parseErrorBody(body); ok {
			qe.Message, qe.Details = eb.describe()
			if eb.Code != "" {
				qe.Code = eb.Code
			}
		} else if s := strings.TrimSpace(string(body)); s != "" && len(s) < 500 {
			qe.Message = s
		}
	}
	switch s := re.StatusCode; {
	case s == http.StatusTooManyRequests:
		qe.Kind = KindThrottled
		if re.RawResponse != nil {
			qe.RetryAfter = laRetryAfter(re.RawResponse.Header, now)
		}
	case s == http.StatusGatewayTimeout:
		qe.Kind = KindTimeout
	case s == http.StatusNoContent:
		qe.Kind = KindNoContent
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		qe.Kind = KindPermission
		if re.RawResponse != nil {
			qe.Challenge = re.RawResponse.Header.Get("WWW-Authenticate")
		}
	case s == http.StatusRequestEntityTooLarge:
		qe.Kind = KindTooLarge
	case s == http.StatusBadRequest:
		qe.Kind = KindBadQuery
	case s == http.StatusRequestTimeout || s >= 500:
		qe.Kind = KindTransport
	default:
		qe.Kind = KindOther
	}
	return qe
}

// retryAfter reads how long the service asked to wait: retry-after-ms,
// x-ms-retry-after-ms, then Retry-After as whole seconds, fractional
// seconds ("2.128", Graph's own sample, which azcore ignores) or an HTTP
// date. 0 when absent or unreadable.
func laRetryAfter(h http.Header, now time.Time) time.Duration {
	for _, k := range []string{"retry-after-ms", "x-ms-retry-after-ms"} {
		if v := strings.TrimSpace(h.Get(k)); v != "" {
			if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < 1e12 {
				return time.Duration(ms * float64(time.Millisecond))
			}
		}
	}
	return parseLARetryAfter(h.Get("Retry-After"), now)
}

// parseLARetryAfter reads one Retry-After value.
func parseLARetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 || math.IsNaN(s) || s > 1e6 { // over 11 days: not a wait anyone meant
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// Permanent says that running the pull again cannot help until someone acts
// (grants a role, signs in, fixes the target or the query): the CLI's exit
// status 2. Throttling, time-outs, partial answers and broken connections
// are not permanent.
func (e *QueryError) Permanent() bool {
	switch e.Kind {
	case KindPermission, KindBadQuery, KindAuth, KindConfig, KindNoContent:
		return true
	}
	return false
}
