package hunt

import (
	"encoding/json"
	"strings"
)

// splitAt mimics tostring(split(s, "@")[0]) and tostring(split(s, "@")[1]):
// the part before the first "@" (all of s when there is none) and the part
// between the first and second "@" ("" when there is no "@").
func splitAt(s string) (name, suffix string) {
	name, rest, found := strings.Cut(s, "@")
	if !found {
		return s, ""
	}
	suffix, _, _ = strings.Cut(rest, "@")
	return name, suffix
}

// GuestAddress finds the address a guest was invited at: the
// AdditionalDetails entry keyed invitedUserEmailAddress (matched by key, not
// position), else the address encoded in a guest UPN such as
// alice_gmail.com#EXT#@contoso.onmicrosoft.com, else the target UPN itself.
func GuestAddress(additionalDetails json.RawMessage, targetUPN string) string {
	var details []struct {
		Key   string          `json:"key"`
		Value json.RawMessage `json:"value"`
	}
	if json.Unmarshal(additionalDetails, &details) == nil {
		for _, d := range details {
			if d.Key == "invitedUserEmailAddress" {
				if v := jsonScalarText(d.Value); v != "" {
					return v
				}
			}
		}
	}
	if addr, ok := addressFromGuestUPN(targetUPN); ok {
		return addr
	}
	return targetUPN
}

// addressFromGuestUPN turns alice_gmail.com#EXT#@tenant into alice@gmail.com:
// Entra replaced the address's "@" with "_", so the last "_" before #EXT#
// is it (the local part may itself hold "_").
func addressFromGuestUPN(upn string) (string, bool) {
	i := strings.Index(strings.ToUpper(upn), "#EXT#")
	if i < 0 {
		return "", false
	}
	encoded := upn[:i]
	j := strings.LastIndexByte(encoded, '_')
	if j < 0 {
		return "", false
	}
	return encoded[:j] + "@" + encoded[j+1:], true
}

// jsonScalarText is Kusto's tostring of a JSON value: a string unquoted,
// null as "", anything else as its JSON text.
func jsonScalarText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	t := strings.TrimSpace(string(v))
	if t == "null" {
		return ""
	}
	return t
}

// GuestDomain is the part of an address after its last "@", lower-cased
// (domains are case-insensitive), or "" when it has none.
func GuestDomain(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(addr[i+1:])
}
