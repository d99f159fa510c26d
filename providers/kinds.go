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

// boundsOf is the listing bounds a provider's config sets (zero fields:
// the defaults).
func boundsOf(c config.Provider) httpx.Bounds {
	return httpx.Bounds{MaxItems: c.MaxItems, Deadline: c.ListingTimeout.Duration}
}

func newFabric(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	creds := fabric.Credentials{
		ClientID:     c.Secrets["client_id"].Value(),
		ClientSecret: c.Secrets["client_secret"].Value(),
		Token:        c.Secrets["token"].Value(),
	}
	return fabric.New(c.Name, c.BaseURL, creds, fabric.WithTimeout(c.Timeout.Duration), fabric.WithLogger(logger), fabric.WithBounds(boundsOf(c)))
}

func newIXAPI(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	creds := ixapi.Credentials{
		APIKey:    c.Secrets["api_key"].Value(),
		APISecret: c.Secrets["api_secret"].Value(),
		Token:     c.Secrets["token"].Value(),
	}
	return ixapi.New(c.Name, c.BaseURL, creds, ixapi.WithTimeout(c.Timeout.Duration), ixapi.WithLogger(logger), ixapi.WithBounds(boundsOf(c)))
}

func newMetal(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	opts := []metal.Option{metal.WithTimeout(c.Timeout.Duration), metal.WithLogger(logger),
		metal.WithOrganization(c.OrganizationID), metal.WithProject(c.ProjectID)}
	return metal.New(c.Name, c.BaseURL, c.Secrets["token"].Value(), opts...)
}

func newProVision(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	creds := provision.Credentials{APIKey: c.Secrets["api_key"].Value(), SecretKey: c.Secrets["secret_key"].Value()}
	opts := []provision.Option{provision.WithTimeout(c.Timeout.Duration), provision.WithLogger(logger), provision.WithBounds(boundsOf(c))}
	if c.EntityHandle != "" {
		opts = append(opts, provision.WithEntityHandle(c.EntityHandle))
	}
	return provision.New(c.Name, c.BaseURL, creds, opts...)
}

func newPacket(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	opts := []packet.Option{packet.WithTimeout(c.Timeout.Duration), packet.WithLogger(logger)}
	if c.ProjectID != "" {
		opts = append(opts, packet.WithProjectID(c.ProjectID))
	}
	if c.OrganizationID != "" {
		opts = append(opts, packet.WithOrganizationID(c.OrganizationID))
	}
	return packet.New(c.Name, c.BaseURL, c.Secrets["token"].Value(), opts...)
}
