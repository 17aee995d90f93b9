package live

import (
	"errors"
	"strings"
)

// IsPermanent says whether a pull or query stopped for a reason that
// re-running will not fix (a missing role, a bad query, a refused sign-in,
// a cloud without the API): the CLI makes those exit status 2. Anything
// else is an interruption the same command resumes.
func IsPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// SignInHint says in plain words what to do about a failed sign-in, or ""
// when err is no sign-in failure guesthunt knows. The SDK's own text stays
// in the error; this is the next step.
func SignInHint(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "AzureCLICredential") && strings.Contains(msg, "not found"):
		return "the Azure CLI (az) is not installed here: install it and run az login (over SSH: az login --use-device-code), or use --auth device"
	case strings.Contains(msg, "az login"):
		return "sign in with the Azure CLI first: az login (over SSH: az login --use-device-code); or use --auth device"
	case strings.Contains(msg, "missing environment variable"):
		return "--auth env needs AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)"
	case strings.Contains(msg, "ManagedIdentityCredential"):
		return "no managed identity answered: --auth msi works only on an Azure host with one assigned"
	}
	return ""
}
