package providers

import (
	"log/slog"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/fabric"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/ixapi"
	"github.com/noctop/noctop/providers/metal"
	"github.com/noctop/noctop/providers/packet"
	"github.com/noctop/noctop/providers/provision"
)

// One constructor per provider kind: config in, model.Provider out. Secrets
// are read from the resolved config here and nowhere else.

func newFabric(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	creds := fabric.Credentials{
		ClientID:     c.Secrets["client_id"],
		ClientSecret: c.Secrets["client_secret"],
		Token:        c.Secrets["token"],
	}
	return fabric.New(c.Name, c.BaseURL, creds, httpx.WithTimeout(c.Timeout.Duration), httpx.WithLogger(logger))
}

func newIXAPI(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	creds := ixapi.Credentials{
		APIKey:    c.Secrets["api_key"],
		APISecret: c.Secrets["api_secret"],
		Token:     c.Secrets["token"],
	}
	return ixapi.New(c.Name, c.BaseURL, creds, httpx.WithTimeout(c.Timeout.Duration), httpx.WithLogger(logger))
}

func newMetal(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	opts := []metal.Option{httpx.WithTimeout(c.Timeout.Duration), httpx.WithLogger(logger),
		metal.WithOrganization(c.OrganizationID), metal.WithProject(c.ProjectID)}
	return metal.New(c.Name, c.BaseURL, c.Secrets["token"].Value(), opts...)
}

func newProVision(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	creds := provision.Credentials{APIKey: c.Secrets["api_key"], SecretKey: c.Secrets["secret_key"]}
	opts := []provision.Option{httpx.WithTimeout(c.Timeout.Duration), httpx.WithLogger(logger)}
	if c.EntityHandle != "" {
		opts = append(opts, provision.WithEntityHandle(c.EntityHandle))
	}
	return provision.New(c.Name, c.BaseURL, creds, opts...)
}

func newPacket(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	opts := []packet.Option{httpx.WithTimeout(c.Timeout.Duration), httpx.WithLogger(logger)}
	if c.ProjectID != "" {
		opts = append(opts, packet.WithProjectID(c.ProjectID))
	}
	if c.OrganizationID != "" {
		opts = append(opts, packet.WithOrganizationID(c.OrganizationID))
	}
	return packet.New(c.Name, c.BaseURL, c.Secrets["token"].Value(), opts...)
}
