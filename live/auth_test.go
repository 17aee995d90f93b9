package live

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func TestCredentialModes(t *testing.T) {
	public, _ := CloudByName("")
	if _, err := Credential(AuthOptions{Mode: "kerberos", Cloud: public}); err == nil || !strings.Contains(err.Error(), "auto, cli, device") {
		t.Errorf("unknown mode: %v", err)
	}
	if _, err := Credential(AuthOptions{Mode: "device", Cloud: public}); err == nil || !strings.Contains(err.Error(), "terminal") {
		t.Errorf("device code without a terminal: %v", err)
	}
	for _, m := range []string{"auto", "cli", "env", "msi"} {
		if _, err := Credential(AuthOptions{Mode: m, Cloud: public, envHasIdentity: func() bool { return false }}); err != nil && m != "env" {
			t.Errorf("--auth %s: %v", m, err)
		}
	}
}

func TestDevicePromptGoesToItsWriterSanitised(t *testing.T) {
	var buf bytes.Buffer
	err := devicePrompt(&buf)(context.Background(), azidentity.DeviceCodeMessage{
		UserCode: "ABC", VerificationURL: "https://microsoft.com/devicelogin",
		Message: "To sign in, use a web browser\x1b]0;pwned\x07 to open the page",
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(buf.String(), '\x1b') || strings.ContainsRune(buf.String(), '\x07') {
		t.Errorf("control characters reached the terminal: %q", buf.String())
	}
	if !strings.Contains(buf.String(), "To sign in") {
		t.Errorf("prompt %q", buf.String())
	}
}

func TestCloudByName(t *testing.T) {
	c, err := CloudByName("USGov")
	if err != nil || c.GraphRoot != "https://graph.microsoft.us" {
		t.Errorf("usgov: %+v %v", c, err)
	}
	if c, _ := CloudByName("china"); c.GraphRoot != "" || c.GraphNotFound == "" {
		t.Errorf("china must say Graph is missing: %+v", c)
	}
	if _, err := CloudByName("mars"); err == nil {
		t.Error("unknown cloud accepted")
	}
}
