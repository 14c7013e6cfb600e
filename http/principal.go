package http

import (
	"context"

	"github.com/leakdesk/leakdesk"
)

// principalKey keys the authenticated principal in a request's context.
type principalKey struct{}

// withPrincipal returns ctx carrying p, the principal that authentication
// found for the request.
func withPrincipal(ctx context.Context, p *leakdesk.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// principalFrom returns the request's authenticated principal, and false
// for a request that authentication let through without one (public
// routes: health, acknowledgement links).
func principalFrom(ctx context.Context) (*leakdesk.Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*leakdesk.Principal)
	return p, ok && p != nil
}
