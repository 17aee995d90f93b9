package demo

import (
	"crypto/sha256"
	"fmt"
	"strings"
)

// The fictional tenant. ".example" domains are reserved (RFC 2606), so no
// real organisation's name ends up in a demo.
const (
	TenantName   = "Northwind Traders (demo)"
	Domain       = "northwindtraders.example"
	TenantDomain = "northwindtraders.onmicrosoft.com"
	AADTenantID  = "5d3f6a2e-8c41-4b7e-9a0d-2f6e1c8b7a94"
	WorkspaceID  = "b1e7c9a3-42d6-4f08-8e15-7a9c3d2b6f10"
)

// stableGUID turns a label into a GUID that is the same for every seed, so a
// user or group keeps its object id across demo tenants.
func stableGUID(label string) string {
	h := sha256.Sum256([]byte("northwind-demo:" + label))
	h[6] = h[6]&0x0f | 0x40 // version 4 layout, as Entra's ids look
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// person is a member of the tenant.
type person struct {
	First, Last string
	UPN         string
	ID          string
}

func newPerson(first, last string) person {
	upn := strings.ToLower(first+"."+last) + "@" + Domain
	return person{First: first, Last: last, UPN: upn, ID: stableGUID("user:" + upn)}
}

func (p person) DisplayName() string { return p.First + " " + p.Last }

// app is an application (service principal) that shows up as an initiator
// or a target.
type app struct {
	Name   string
	AppID  string
	SPID   string // service principal object id
	ObjID  string // application object id
	Vendor bool   // a Microsoft first-party app: no application object in the tenant
}

func newApp(name string, vendor bool) app {
	return app{Name: name, AppID: stableGUID("appid:" + name), SPID: stableGUID("sp:" + name),
		ObjID: stableGUID("app:" + name), Vendor: vendor}
}

// cast is everyone and everything that appears in the demo log. It is built
// per call rather than held in package variables, so nothing is shared.
type cast struct {
	samir, elena, kwame, priya, olivia person // IT admins, helpdesk, partner manager, HR
	admins                             []person
	routineInviters                    []routineInviter
	members                            []person

	hrProvisioning, partnerOnboarding, acceptancePortal, deviceRegistration app
	targetApps, consentApps                                                 []app

	corporateEgress []string
	userAgents      []string
}

// routineInviter invites partner guests on a business day with probability Rate.
type routineInviter struct {
	Who  person
	Rate float64
}

func newCast() *cast {
	c := &cast{
		samir:  newPerson("Samir", "Haddad"),
		elena:  newPerson("Elena", "Petrova"),
		kwame:  newPerson("Kwame", "Mensah"),
		priya:  newPerson("Priya", "Natarajan"),
		olivia: newPerson("Olivia", "Chen"),

		hrProvisioning:     newApp("Northwind HR Provisioning", false),
		partnerOnboarding:  newApp("Northwind Partner Onboarding", false),
		acceptancePortal:   newApp("Microsoft Invitation Acceptance Portal", true),
		deviceRegistration: newApp("Device Registration Service", true),
		targetApps: []app{
			newApp("Northwind Expense Portal", false), newApp("Northwind Intranet", false),
			newApp("Shipment Tracker", false), newApp("Sales Dashboard", false),
			newApp("Warehouse Scanner Sync", false), newApp("Board Reporting", false),
		},
		consentApps: []app{
			newApp("Meeting Scheduler Pro", false), newApp("PDF Merge Tool", false), newApp("Mind Map Online", false),
		},
		corporateEgress: []string{"198.51.100.23", "198.51.100.24", "198.51.100.87"},
		userAgents: []string{
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
		},
	}
	c.admins = []person{c.samir, c.elena, c.kwame}
	c.routineInviters = []routineInviter{{c.priya, 0.45}, {c.olivia, 0.22}, {c.samir, 0.12}, {c.elena, 0.08}}
	c.members = append(append([]person(nil), c.admins...), c.priya, c.olivia)
	for _, n := range memberNames() {
		c.members = append(c.members, newPerson(n[0], n[1]))
	}
	return c
}

func memberNames() [][2]string {
	return [][2]string{
		{"Aiko", "Tanaka"}, {"Ben", "Okoro"}, {"Carla", "Mendes"}, {"Dmitri", "Volkov"}, {"Emma", "Lindqvist"},
		{"Farah", "Aziz"}, {"Gustav", "Holm"}, {"Hannah", "Weiss"}, {"Ivan", "Horvat"}, {"Julia", "Costa"},
		{"Karim", "Benali"}, {"Laura", "Fischer"}, {"Mateo", "Rossi"}, {"Nadia", "Kowalski"}, {"Omar", "Farouk"},
		{"Paula", "Nieminen"}, {"Quentin", "Moreau"}, {"Rania", "Haddad"}, {"Stefan", "Novak"}, {"Tara", "Quinn"},
		{"Ugo", "Bianchi"}, {"Vera", "Sokolova"}, {"Wen", "Li"}, {"Ximena", "Ruiz"}, {"Yusuf", "Demir"},
		{"Zoe", "Martin"}, {"Anders", "Berg"}, {"Bianca", "Pop"}, {"Chidi", "Eze"}, {"Daria", "Lenk"},
		{"Elif", "Kaya"}, {"Felix", "Brandt"}, {"Greta", "Sundberg"}, {"Hugo", "Lefevre"}, {"Ines", "Duarte"},
		{"Jonas", "Berg"}, {"Lee", "Novak"}, {"Isaiah", "Okafor"}, {"Rosa", "Delgado"}, {"Tomas", "Kral"},
		{"Hana", "Sato"},
	}
}

func groupNames() []string {
	return []string{
		"All Staff", "Finance", "Sales EMEA", "Sales Americas", "Warehouse Leads", "IT Operations",
		"Partner Portal Users", "Project Falcon", "HR Confidential", "Marketing", "SharePoint Site Owners",
		"VPN Users", "Legal Review", "Board Pack Readers",
	}
}

// Partner organisations whose people are invited routinely.
func partnerDomains() []string {
	return []string{
		"brightharbor-logistics.example", "keelson-legal.example", "altamesa-design.example",
		"quarrybank-audit.example", "helixpoint-consulting.example", "oakfield-freight.example",
	}
}

func guestFirstNames() []string {
	return []string{
		"Alan", "Beatriz", "Chloe", "Daniel", "Esther", "Fabio", "Grace", "Henrik", "Ingrid", "Jakob",
		"Kira", "Lukas", "Maya", "Nils", "Olga", "Pedro", "Rita", "Sven", "Tess", "Viktor",
	}
}

func guestLastNames() []string {
	return []string{
		"Adler", "Brooks", "Castillo", "Dahl", "Evans", "Ferreira", "Gruber", "Hughes", "Ibsen", "Jensen",
		"Keller", "Lund", "Moser", "Nash", "Ortiz", "Price", "Reyes", "Strand", "Toth", "Vogel",
	}
}

func departments() []string {
	return []string{"Finance", "Sales", "Logistics", "Marketing", "IT", "HR", "Legal", "Operations"}
}

func jobTitles() []string {
	return []string{"Analyst", "Coordinator", "Manager", "Specialist", "Team Lead", "Assistant"}
}

// guestUPN is how Entra names an invited guest: the address with "@" made
// "_", then "#EXT#@" and the inviting tenant's initial domain.
func guestUPN(email string) string {
	return strings.ReplaceAll(email, "@", "_") + "#EXT#@" + TenantDomain
}
