package hunt

import "testing"

var testTenant = []string{"northwindtraders.example", "northwindtraders.onmicrosoft.com"}

func TestLookalikeFires(t *testing.T) {
	for guest, want := range map[string]string{
		"northwlndtraders.example":  "northwindtraders.example", // l for i
		"northwind-traders.example": "northwindtraders.example", // a hyphen
		"n0rthwindtraders.example":  "northwindtraders.example", // 0 for o
		"northwindtradres.example":  "northwindtraders.example", // two letters swapped
		"northwindtraders.co":       "northwindtraders.example", // the same name, another ending
		"NorthWindTraders.Net":      "northwindtraders.example",
		"rnicrosoft.com":            "microsoft.com", // rn for m
		"micros0ft.com":             "microsoft.com",
		"paypa1.com":                "paypal.com",
		"dropb0x.com":               "dropbox.com",
		"docusign.co":               "docusign.com",
		"gmai1.com":                 "gmail.com",
		"mіcrosoft.com":             "microsoft.com", // Cyrillic і
	} {
		if got := Lookalike(guest, testTenant); got != want {
			t.Errorf("Lookalike(%q) = %q, want %q", guest, got, want)
		}
	}
}

// Near misses: none of these may fire.
func TestLookalikeNearMisses(t *testing.T) {
	for _, guest := range []string{
		"northwindtraders.example",         // the tenant's own domain
		"mail.northwindtraders.example",    // its subdomain
		"northwindtraders.onmicrosoft.com", // its onmicrosoft domain
		"northwind-partners.example",       // 5+ edits from northwindtraders
		"helixpoint-consulting.example",
		"brightharbor-logistics.example",
		"keelson-legal.example", "altamesa-design.example", "quarrybank-audit.example", "oakfield-freight.example",
		"ab.io", "ac.io", "xy.com", // short, genuinely different names
		"gmail.com", "outlook.com", "outlook.de", "hotmail.co.uk", "gmx.de", "yahoo.fr", // consumer mail, the real ones
		"microsoft.com", "github.com", "google.com", "live.com", "office.com", // well-known ones are themselves
		"fabrikam.example", "contoso.com", "",
	} {
		if got := Lookalike(guest, testTenant); got != "" {
			t.Errorf("Lookalike(%q) = %q, want no lookalike", guest, got)
		}
	}
}

func TestFreeMail(t *testing.T) {
	for _, d := range []string{"gmail.com", "Outlook.com", "hotmail.com", "yahoo.com", "proton.me", "protonmail.com",
		"icloud.com", "gmx.de", "gmx.net", "yahoo.co.uk", "hotmail.fr", "web.de"} {
		if !IsFreeMail(d) {
			t.Errorf("%s should be free mail", d)
		}
	}
	for _, d := range []string{"northwindtraders.example", "gmail.com.evil.example", "gmx.evil-site.example",
		"yahoo.partners-portal.example", "mygmail.com", "protonmail.company.example", "outlook.northwind.example", ""} {
		if IsFreeMail(d) {
			t.Errorf("%s should not be free mail", d)
		}
	}
}

func TestLevenshtein(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"northwind", "northwlnd", 1}, {"é", "e", 1}} {
		if got := levenshtein(c.a, c.b); got != c.d {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
