package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// AuthModes are the values of --auth.
var AuthModes = []string{"auto", "cli", "device", "browser", "env", "msi"}

// AuthOptions choose how a pull or a remote hunt gets its token.
type AuthOptions struct {
	Mode     string // one of AuthModes; "" is auto
	TenantID string
	ClientID string // an app registration; "" is the Azure CLI's public client where one is needed
	Cloud    Cloud
	// Prompt receives the device-code instructions. azidentity's default
	// prints them to standard output, which would corrupt the workbench and
	// --format json, so they always go here (stderr in the CLI). In auto
	// mode device code is offered only when Prompt is a terminal.
	Prompt         io.Writer
	PromptIsTTY    bool
	envHasIdentity func() bool // replaced in tests
}

// Credential builds the token credential for o. Tokens are cached by the
// SDK's bearer policy in memory only: guesthunt never writes one to disk.
//
// auto is an explicit chain (no IMDS probing on a laptop): the environment's
// service principal when AZURE_CLIENT_ID etc. are set, then the Azure CLI's
// login (which works over SSH after az login --use-device-code), then the
// device-code flow when someone is at the terminal.
func Credential(o AuthOptions) (azcore.TokenCredential, error) {
	client := azcore.ClientOptions{Cloud: o.Cloud.Azure}
	envSet := o.envHasIdentity
	if envSet == nil {
		envSet = environmentIdentitySet
	}
	cli := func() (azcore.TokenCredential, error) {
		return azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: o.TenantID})
	}
	device := func() (azcore.TokenCredential, error) {
		return azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{
			ClientOptions: client, TenantID: o.TenantID, ClientID: o.ClientID,
			UserPrompt: devicePrompt(o.Prompt),
		})
	}
	env := func() (azcore.TokenCredential, error) {
		return azidentity.NewEnvironmentCredential(&azidentity.EnvironmentCredentialOptions{ClientOptions: client})
	}
	switch strings.ToLower(o.Mode) {
	case "", "auto":
		var chain []azcore.TokenCredential
		if envSet() {
			c, err := env()
			if err != nil {
				return nil, fmt.Errorf("--auth auto: the environment names a service principal, but: %w", err)
			}
			chain = append(chain, c)
		}
		c, err := cli()
		if err != nil {
			return nil, err
		}
		chain = append(chain, c)
		if o.Prompt != nil && o.PromptIsTTY {
			d, err := device()
			if err != nil {
				return nil, err
			}
			chain = append(chain, d)
		}
		return azidentity.NewChainedTokenCredential(chain, nil)
	case "cli":
		return cli()
	case "device":
		if o.Prompt == nil {
			return nil, errors.New("--auth device needs a terminal to show the sign-in code on")
		}
		return device()
	case "browser":
		return azidentity.NewInteractiveBrowserCredential(&azidentity.InteractiveBrowserCredentialOptions{
			ClientOptions: client, TenantID: o.TenantID, ClientID: o.ClientID,
		})
	case "env":
		return env()
	case "msi":
		mo := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: client}
		if o.ClientID != "" {
			mo.ID = azidentity.ClientID(o.ClientID)
		}
		return azidentity.NewManagedIdentityCredential(mo)
	}
	return nil, fmt.Errorf("unknown --auth %q: use one of %s", o.Mode, strings.Join(AuthModes, ", "))
}

// devicePrompt shows Entra's sign-in instructions on w, with anything a
// terminal could act on made visible (the text comes over the network).
func devicePrompt(w io.Writer) func(context.Context, azidentity.DeviceCodeMessage) error {
	return func(_ context.Context, m azidentity.DeviceCodeMessage) error {
		if w == nil {
			return errors.New("device-code sign-in needs a terminal to show the code on")
		}
		msg := m.Message
		if msg == "" {
			msg = fmt.Sprintf("To sign in, open %s and enter the code %s.", m.VerificationURL, m.UserCode)
		}
		_, err := fmt.Fprintf(w, "guesthunt: %s\n", textsafe.Text(msg))
		return err
	}
}

// environmentIdentitySet says whether EnvironmentCredential has what it needs.
func environmentIdentitySet() bool {
	return os.Getenv("AZURE_TENANT_ID") != "" && os.Getenv("AZURE_CLIENT_ID") != "" &&
		(os.Getenv("AZURE_CLIENT_SECRET") != "" || os.Getenv("AZURE_CLIENT_CERTIFICATE_PATH") != "")
}
