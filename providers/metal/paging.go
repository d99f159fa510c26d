package metal

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Metal pages with page/per_page and describes the result in a meta object
// (first, previous, self, next, last as hrefs; total, current_page,
// last_page). A listing follows meta.next, one page after the other, and
// is bounded three ways, because a server may be wrong about itself:
//
//   - next is followed only on the API's own origin (scheme and host) and
//     within the same collection path: the token is never sent elsewhere,
//     and a link cannot lead to another collection or loop (a link seen
//     twice is an error);
//   - never more pages than meta says: last_page, or total divided by the
//     page size the server actually used (it may cap per_page), as the
//     latest page reports it; a next link beyond that is not followed
//     (logged), so a wrong total cannot make a listing run away;
//   - an empty page ends the listing, as does a page without next.
//
// On top of that, httpx.WithMaxPages and WithMaxItems cap pages and items (an error wrapping
// model.ErrTooLarge). httpx.NumberedPages is not used: it pages by number
// and cannot honour the links.
//
// Hrefs are relative to the host ("/metal/v1/projects?page=2"), relative
// to the API root ("/projects?page=2"), or absolute URLs on the API's
// origin; all three are accepted.

// listPaged reads every page of the collection at path, reporting each
// page into p (may be nil).
func listPaged[T any](ctx context.Context, c *Client, path string, q url.Values, p *model.Progress,
	decode func(body []byte) ([]T, *Meta, error)) ([]T, error) {
	query := url.Values{}
	for k, vs := range q {
		query[k] = append([]string(nil), vs...)
	}
	query.Set("page", "1")
	query.Set("per_page", strconv.Itoa(c.cfg.perPage))
	next := path + "?" + query.Encode()
	seen := map[string]bool{pageKey(c.BaseURL() + next): true}
	var (
		all  []T
		step int // items per full page, as served on page 1
	)
	for page := 1; ; page++ {
		if page > c.cfg.maxPages {
			return nil, fmt.Errorf("%w: %s: GET %s: paging did not end after %d pages", model.ErrTooLarge, c.cfg.Provider, path, c.cfg.maxPages)
		}
		// Decoded by httpx (through the sink), so a garbled page is sent
		// once more like any read, and errors say where.
		sink := &pageSink[T]{decode: decode}
		if _, err := c.api.Do(ctx, httpx.Request{Method: http.MethodGet, Path: next}, sink); err != nil {
			return nil, err
		}
		items, meta := sink.items, sink.meta
		p.Add(1)
		all = append(all, items...)
		if len(all) > c.cfg.maxItems {
			return nil, fmt.Errorf("%w: %s: GET %s: more than %d items", model.ErrTooLarge, c.cfg.Provider, path, c.cfg.maxItems)
		}
		if page == 1 {
			step = len(items)
		}
		if len(items) == 0 || meta == nil || meta.Next == nil || strings.TrimSpace(meta.Next.Href) == "" {
			return all, nil
		}
		if bound := pagesFromMeta(meta, step); bound > 0 {
			if page >= bound {
				c.cfg.Logger.Warn("metal: meta announces a next page beyond the pages it counts; not following it",
					"provider", c.cfg.Provider, "path", path, "page", page, "pages", bound)
				return all, nil
			}
		}
		u, err := c.nextURL(meta.Next.Href, path)
		if err != nil {
			return nil, fmt.Errorf("%s: GET %s (page %d): %w", c.cfg.Provider, path, page, err)
		}
		if k := pageKey(u); seen[k] {
			return nil, fmt.Errorf("%w: %s: GET %s (page %d): meta.next repeats a page already read", model.ErrBadResponse, c.cfg.Provider, path, page)
		} else {
			seen[k] = true
		}
		next = u
	}
}

// pageSink decodes one page when httpx unmarshals the body into it.
type pageSink[T any] struct {
	decode func(body []byte) ([]T, *Meta, error)
	items  []T
	meta   *Meta
}

func (s *pageSink[T]) UnmarshalJSON(b []byte) error {
	var err error
	s.items, s.meta, err = s.decode(b)
	return err
}

// pageKey identifies a page URL whatever the order of its query
// parameters.
func pageKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Path + "?" + u.Query().Encode()
}

// pagesFromMeta is how many pages meta says there are (0 when it does not
// say): last_page, else ceil(total / step).
func pagesFromMeta(m *Meta, step int) int {
	if m.LastPage != nil && *m.LastPage > 0 {
		return *m.LastPage
	}
	if m.Total != nil && step > 0 {
		if *m.Total <= 0 {
			return 1
		}
		return (*m.Total + step - 1) / step
	}
	return 0
}

// nextURL resolves a meta.next href against the base URL and returns it as
// an absolute URL, or refuses it (another origin, another collection).
func (c *Client) nextURL(href, collection string) (string, error) {
	ref, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return "", fmt.Errorf("%w: meta.next is not a URL", model.ErrBadResponse)
	}
	base, err := url.Parse(c.BaseURL() + "/")
	if err != nil {
		return "", err
	}
	u := base.ResolveReference(ref)
	if u.Scheme != base.Scheme || u.Host != base.Host {
		return "", fmt.Errorf("%w: meta.next points to another origin (%s), refusing to send the token there",
			model.ErrBadResponse, httpx.Sanitize(truncate(u.Scheme+"://"+u.Host, 80)))
	}
	want := strings.TrimSuffix(base.Path, "/") + collection
	switch u.Path {
	case want:
	case collection: // relative to the API root, without the base path
		u.Path = want
		u.RawPath = ""
	default:
		return "", fmt.Errorf("%w: meta.next leaves the collection (%s)", model.ErrBadResponse, httpx.Sanitize(truncate(u.Path, 80)))
	}
	u.Fragment, u.RawFragment, u.User = "", "", nil
	return u.String(), nil
}
