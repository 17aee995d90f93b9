package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// Graph's answers that are not a page, in words an analyst can act on.

// graphPermissionHint is what a 403 from directoryAudits means.
const graphPermissionHint = "needs AuditLog.Read.All and Directory.Read.All (delegated callers also need the Entra role Reports Reader, Security Reader or Security Administrator)"

// errGraphChina is returned for Azure China, where the API does not exist.
var errGraphChina = errors.New("directoryAudits is not available in Azure China (21Vianet): pull from a Log Analytics workspace instead")

// GraphError is a response from Graph that is not a page of records, after
// any retries: the status, Graph's own error code and message, and what it
// means for the pull.
type GraphError struct {
	URL        string // the request, with no credentials in it (Graph URLs carry none)
	StatusCode int
	Code       string // Graph's error.code ("Authorization_RequestDenied", ...); "" when the body had none
	Message    string // Graph's error.message
	Challenge  string // a 401's WWW-Authenticate header, verbatim
	Hint       string // what to do about it, in words
}

func (e *GraphError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s: HTTP %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" || e.Message != "" {
		fmt.Fprintf(&b, " (%s", e.Code)
		if e.Code != "" && e.Message != "" {
			b.WriteString(": ")
		}
		fmt.Fprintf(&b, "%s)", e.Message)
	}
	if e.Challenge != "" {
		fmt.Fprintf(&b, "; the server's challenge, verbatim: %s", e.Challenge)
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, ": %s", e.Hint)
	}
	return b.String()
}

// Permanent says that running the pull again cannot help until someone
// acts (grants a permission, signs in again, fixes a request): 400, 401,
// 403 and 404. The CLI makes those exit status 2.
func (e *GraphError) Permanent() bool {
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest, http.StatusNotFound:
		return true
	}
	return false
}

// permanentError marks a failure no re-run fixes by itself (a cloud without
// the API, a root that is not https).
type permanentError struct{ err error }

func (e *permanentError) Error() string   { return e.err.Error() }
func (e *permanentError) Unwrap() error   { return e.err }
func (e *permanentError) Permanent() bool { return true }

func permanent(err error) error { return &permanentError{err: err} }

// errPageToken means the server no longer knows a nextLink's skip token
// (DirectoryPageTokenNotFoundException): the chunk is fetched again from its
// first page.
var errPageToken = errors.New("Graph no longer knows the page token (DirectoryPageTokenNotFoundException)")

// errTopTooBig means a 400 complained about $top: the page size is halved
// and the chunk fetched again from its first page.
var errTopTooBig = errors.New("Graph refused the page size ($top)")

// graphErrorBody is Graph's error envelope {"error":{"code","message",...}}.
type graphErrorBody struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			Code string `json:"code"`
		} `json:"innerError"`
	} `json:"error"`
}

var topComplaint = regexp.MustCompile(`(?i)(\$top\b|\btop\b|page ?size)`)

// classifyGraphError turns a non-200 answer into an error. It wraps
// errPageToken or errTopTooBig when the chunk can be restarted.
func classifyGraphError(url string, status int, header http.Header, body []byte) error {
	var eb graphErrorBody
	_ = json.Unmarshal(body, &eb) // a body that is not Graph's envelope leaves the fields empty
	e := &GraphError{URL: url, StatusCode: status, Code: eb.Error.Code, Message: eb.Error.Message}
	if e.Code == "" && e.Message == "" && len(body) > 0 {
		e.Message = shorten(strings.TrimSpace(string(body)), 300)
	}
	text := string(body)
	switch {
	case strings.Contains(text, "DirectoryPageTokenNotFoundException") || strings.Contains(text, "PageTokenNotFound"):
		return fmt.Errorf("%w: %v", errPageToken, e)
	case status == http.StatusBadRequest && topComplaint.MatchString(e.Code+" "+e.Message):
		return fmt.Errorf("%w: %v", errTopTooBig, e)
	case status == http.StatusForbidden:
		e.Hint = "the signed-in identity is not allowed to read the directory audit log; it " + graphPermissionHint
	case status == http.StatusUnauthorized:
		e.Challenge = header.Get("WWW-Authenticate")
		e.Hint = "the token was refused; sign in again (with --tenant for the right tenant), and answer any claims challenge above"
	case status == http.StatusBadRequest:
		e.Hint = "Graph did not accept the request; this is a bug in guesthunt's query or a change in the API"
	}
	return e
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// nonRetriable is how azcore marks errors that no retry can fix (the https
// rule, a credential that failed).
type nonRetriable interface {
	error
	NonRetriable()
}

func isNonRetriable(err error) bool {
	var nr nonRetriable
	return errors.As(err, &nr)
}
