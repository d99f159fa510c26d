package providers

import (
	"log/slog"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/fabric"
)

// One constructor per provider kind: config in, model.Provider out. Secrets
// are read from the resolved config here and nowhere else.

func newFabric(c config.Provider, logger *slog.Logger) (model.Provider, error) {
	creds := fabric.Credentials{
		ClientID:     c.Secrets["client_id"].Value(),
		ClientSecret: c.Secrets["client_secret"].Value(),
		Token:        c.Secrets["token"].Value(),
	}
	return fabric.New(c.Name, c.BaseURL, creds, fabric.WithTimeout(c.Timeout.Duration), fabric.WithLogger(logger))
}
