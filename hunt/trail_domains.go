package hunt

import (
	"slices"
	"strings"
)

// wellKnownDomains are domains attackers imitate for guest accounts.
var wellKnownDomains = [...]string{
	"microsoft.com", "office.com", "office365.com", "onmicrosoft.com", "sharepoint.com", "azure.com",
	"google.com", "apple.com", "amazon.com", "paypal.com", "github.com", "linkedin.com",
	"docusign.com", "dropbox.com", "salesforce.com", "adobe.com", "zoom.us",
	"gmail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
}

// freeMailDomains are consumer mailbox providers: anyone can get an address.
var freeMailDomains = [...]string{
	"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
	"yahoo.com", "ymail.com", "aol.com", "proton.me", "protonmail.com", "pm.me",
	"icloud.com", "me.com", "mac.com", "mail.com", "gmx.com", "gmx.net", "web.de",
	"yandex.com", "yandex.ru", "mail.ru", "zoho.com", "tutanota.com", "tuta.io", "qq.com", "163.com",
}

// freeMailPrefixes are providers with a domain per country (gmx.de,
// yahoo.co.uk, hotmail.fr).
var freeMailPrefixes = [...]string{"gmx.", "yahoo.", "hotmail.", "outlook.", "live.", "yandex."}

// IsFreeMail reports whether domain is a consumer mailbox provider's.
func IsFreeMail(domain string) bool {
	d := strings.ToLower(domain)
	for _, f := range freeMailDomains {
		if d == f {
			return true
		}
	}
	for _, p := range freeMailPrefixes {
		if strings.HasPrefix(d, p) && !strings.Contains(d[len(p):], "-") && len(d) <= len(p)+6 {
			return true // a country ending (de, co.uk, com.br), not yahoo.evil-site.example
		}
	}
	return false
}

// homoglyphs fold characters that read alike in a domain to one spelling;
// longer sequences first, so "rn" becomes "m" before "r" is looked at.
var homoglyphs = [...][2]string{
	{"rn", "m"}, {"vv", "w"}, {"cl", "d"}, {"0", "o"}, {"1", "l"}, {"i", "l"}, {"|", "l"},
	{"5", "s"}, {"3", "e"}, {"-", ""}, {"_", ""},
	// Cyrillic letters that look Latin.
	{"а", "a"}, {"е", "e"}, {"о", "o"}, {"р", "p"}, {"с", "c"}, {"х", "x"}, {"у", "y"}, {"і", "l"}, {"ј", "j"},
}

// foldHomoglyphs maps a lower-case domain to its look-alike class.
func foldHomoglyphs(s string) string {
	for _, h := range homoglyphs {
		s = strings.ReplaceAll(s, h[0], h[1])
	}
	return s
}

// allowedEdits is how many edits still make a lookalike of a reference of
// n characters: none for short names (ab.io and ac.io are different firms),
// one from 6 characters, two from 12.
func allowedEdits(n int) int {
	switch {
	case n >= 12:
		return 2
	case n >= 6:
		return 1
	}
	return 0
}

// Lookalike returns the reference domain that guest imitates, or "": equal
// after homoglyph folding, or within allowedEdits of it, but not the same
// domain nor a subdomain of it. tenant domains are also compared by their
// name without the ending (northwindtraders.co imitates
// northwindtraders.example). Consumer mail domains are never lookalikes of
// each other (outlook.de is Microsoft's).
func Lookalike(guest string, tenant []string) string {
	g := strings.ToLower(strings.TrimSpace(guest))
	if g == "" || IsFreeMail(g) {
		return ""
	}
	for _, t := range tenant {
		t = strings.ToLower(t)
		if t == "" || g == t || strings.HasSuffix(g, "."+t) || strings.HasSuffix(t, "."+g) {
			return "" // the tenant's own domain, or one of its subdomains
		}
	}
	for _, t := range tenant {
		t = strings.ToLower(t)
		if imitates(g, t) || imitates(stem(g), stem(t)) && stem(t) != "" {
			return t
		}
	}
	if slices.Contains(wellKnownDomains[:], g) {
		return "" // microsoft.com is not a lookalike of onmicrosoft.com
	}
	for _, w := range wellKnownDomains {
		if imitates(g, w) {
			return w
		}
	}
	return ""
}

func imitates(g, ref string) bool {
	if g == ref {
		return ref != "" && g != ""
	}
	if foldHomoglyphs(g) == foldHomoglyphs(ref) {
		return true
	}
	return levenshtein(g, ref) <= allowedEdits(min(len([]rune(g)), len([]rune(ref))))
}

// stem is a domain without its last label (contoso.onmicrosoft.com ->
// contoso.onmicrosoft, then the onmicrosoft suffix too), "" for one label.
func stem(d string) string {
	d = strings.TrimSuffix(d, ".onmicrosoft.com")
	if i := strings.LastIndexByte(d, '.'); i > 0 {
		return d[:i]
	}
	if strings.Contains(d, ".") {
		return ""
	}
	return d
}

// levenshtein is the edit distance between a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// tenantDomains are the tenant's own domains as the alert rows show them:
// the inviters' UPN suffixes and the guests' (onmicrosoft) UPN suffixes.
func tenantDomains(alerts []Alert) []string {
	var out []string
	for _, a := range alerts {
		for _, d := range []string{a.InitiatingAccountUPNSuffix, a.TargetAccountUPNSuffix} {
			d = strings.ToLower(d)
			if d != "" && !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}
