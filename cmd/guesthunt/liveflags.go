package main

import (
	"context"
	"fmt"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/live"
)

// liveFlags choose the cloud and the sign-in for the live sources (pull,
// hunt --workspace).
type liveFlags struct {
	auth, tenant, clientID, cloud string
}

func addLiveFlags(cmd *cobra.Command, lf *liveFlags) {
	cmd.Flags().StringVar(&lf.auth, "auth", "auto", "sign-in: auto (environment, then Azure CLI, then device code on a terminal), cli, device, browser, env, msi")
	cmd.Flags().StringVar(&lf.tenant, "tenant", "", "Entra tenant ID to sign in to")
	cmd.Flags().StringVar(&lf.clientID, "client-id", "", "app registration (client) ID to sign in with, or the managed identity's")
	cmd.Flags().StringVar(&lf.cloud, "cloud", "public", "Azure cloud: public, usgov, china")
}

// liveDeps are what a live command needs from outside: the credential, the
// HTTP transport and the clock. Tests replace them with a fake credential
// and a TLS test server's client; nothing here is package state.
type liveDeps struct {
	credential func(live.AuthOptions) (azcore.TokenCredential, error)
	transport  policy.Transporter // nil: the SDK's default
	cloud      func(name string) (live.Cloud, error)
	// kusto, when set, replaces the signed-in Log Analytics client (tests:
	// an in-memory workspace).
	kusto kustoOpener
}

func defaultLiveDeps() liveDeps {
	return liveDeps{credential: live.Credential, cloud: live.CloudByName}
}

// session resolves the cloud and signs in as the flags say. The device-code
// prompt goes to stderr, never stdout (which may be a report or JSON).
func (d liveDeps) session(io streams, lf liveFlags) (live.Cloud, azcore.TokenCredential, error) {
	c, err := d.cloud(lf.cloud)
	if err != nil {
		return live.Cloud{}, nil, usageError{err}
	}
	cred, err := d.credential(live.AuthOptions{
		Mode: lf.auth, TenantID: lf.tenant, ClientID: lf.clientID, Cloud: c,
		Prompt: io.err, PromptIsTTY: isTerminal(io.err) && isTerminal(os.Stdin),
	})
	if err != nil {
		if hint := live.SignInHint(err); hint != "" {
			err = fmt.Errorf("%w; %s", err, hint)
		}
		return live.Cloud{}, nil, usageError{err}
	}
	return c, cred, nil
}

// kustoOpener is the Log Analytics opener the flags in lf describe: sign-in
// happens when a workspace is opened, not when the command is built.
func (d liveDeps) kustoOpener(io streams, lf *liveFlags) kustoOpener {
	if d.kusto != nil {
		return d.kusto
	}
	return func(ctx context.Context, workspace string) (hunt.Kusto, error) {
		c, cred, err := d.session(io, *lf)
		if err != nil {
			return nil, err
		}
		client, err := live.NewLAClient(cred, c, live.LAClientOptions{Transport: d.transport})
		if err != nil {
			return nil, err
		}
		return client.Kusto(workspace), nil
	}
}
