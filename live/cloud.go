package live

import (
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
)

// Cloud is one Azure cloud's endpoints for the two live sources. The table
// is ours rather than only azlogs' defaults so an endpoint that moves (the
// docs now name api.loganalytics.azure.com) can be overridden.
type Cloud struct {
	Name          string
	Azure         cloud.Configuration // authority host for credentials
	LogsAudience  string              // token audience of the Log Analytics query API
	LogsEndpoint  string              // query API root, with /v1
	GraphRoot     string              // Microsoft Graph root, without /v1.0; "" where directoryAudits is not offered
	GraphNotFound string              // why Graph is missing in this cloud, in words
}

// Clouds are the clouds guesthunt knows, by their --cloud names.
func Clouds() []Cloud {
	return []Cloud{
		{
			Name: "public", Azure: cloud.AzurePublic,
			LogsAudience: "https://api.loganalytics.io", LogsEndpoint: "https://api.loganalytics.io/v1",
			GraphRoot: "https://graph.microsoft.com",
		},
		{
			Name: "usgov", Azure: cloud.AzureGovernment,
			LogsAudience: "https://api.loganalytics.us", LogsEndpoint: "https://api.loganalytics.us/v1",
			GraphRoot: "https://graph.microsoft.us",
		},
		{
			Name: "china", Azure: cloud.AzureChina,
			LogsAudience: "https://api.loganalytics.azure.cn", LogsEndpoint: "https://api.loganalytics.azure.cn/v1",
			GraphNotFound: "Microsoft Graph's directoryAudits is not available in Azure China (21Vianet): pull from the Log Analytics workspace instead",
		},
	}
}

// CloudByName finds a cloud by its --cloud name ("" is public).
func CloudByName(name string) (Cloud, error) {
	if name == "" {
		name = "public"
	}
	var names []string
	for _, c := range Clouds() {
		if strings.EqualFold(c.Name, name) {
			return c, nil
		}
		names = append(names, c.Name)
	}
	return Cloud{}, fmt.Errorf("unknown cloud %q: use one of %s", name, strings.Join(names, ", "))
}
