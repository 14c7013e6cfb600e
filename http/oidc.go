package http

import (
	"context"
	"crypto/subtle"
	"net/http"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/auth"
)

// OIDCAccounts maps single sign-on subjects to existing accounts.
type OIDCAccounts interface {
	LinkOIDC(ctx context.Context, accountID int64, issuer, subject, actor string) error
	FindAccountByOIDC(ctx context.Context, issuer, subject string) (*leakdesk.Account, error)
}

// OIDC is single sign-on with an OpenID Connect provider. It logs in
// accounts whose subject an admin linked; it never creates one.
type OIDC struct {
	issuer   string
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	accounts OIDCAccounts
}

// NewOIDC discovers the provider at issuer. redirectURL is this server's
// /login/oidc/callback as the provider reaches it.
func NewOIDC(ctx context.Context, issuer, clientID, clientSecret, redirectURL string, accounts OIDCAccounts) (*OIDC, error) {
	if clientID == "" || redirectURL == "" {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "single sign-on needs the issuer, the client ID and the redirect URL")
	}
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "single sign-on: cannot read the provider's configuration at %s: %v", issuer, err)
	}
	return &OIDC{
		issuer:   issuer,
		oauth:    oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL, Endpoint: provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email"}},
		verifier: provider.Verifier(&oidc.Config{ClientID: clientID}),
		accounts: accounts,
	}, nil
}

// The state and nonce of a login in progress travel in short-lived
// cookies, so that the callback can check both without server memory.
const (
	oidcStateCookie = "leakdesk_oidc_state"
	oidcNonceCookie = "leakdesk_oidc_nonce"
	oidcCookiePath  = "/login/oidc"
)

// handleOIDCStart sends the browser to the provider.
func (s *server) handleOIDCStart() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.OIDC == nil {
			http.NotFound(w, r)
			return
		}
		state, nonce := auth.NewSecret(""), auth.NewSecret("")
		s.setOIDCCookie(w, oidcStateCookie, state, 600)
		s.setOIDCCookie(w, oidcNonceCookie, nonce, 600)
		http.Redirect(w, r, s.cfg.OIDC.oauth.AuthCodeURL(state, oidc.Nonce(nonce)), http.StatusFound)
	})
}

func (s *server) setOIDCCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: oidcCookiePath, MaxAge: maxAge,
		Secure: s.cfg.SecureCookies, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// handleOIDCCallback checks the state, exchanges the code, verifies the ID
// token and its nonce, and opens a session for the linked account.
func (s *server) handleOIDCCallback() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.OIDC == nil {
			http.NotFound(w, r)
			return
		}
		acc, err := s.oidcAccount(r)
		s.setOIDCCookie(w, oidcStateCookie, "", -1)
		s.setOIDCCookie(w, oidcNonceCookie, "", -1)
		if err == nil {
			err = s.startSession(w, r, acc.ID)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.log.Info("logged in by single sign-on", "principal", acc.Name)
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
}

func (s *server) oidcAccount(r *http.Request) (*leakdesk.Account, error) {
	o := s.cfg.OIDC
	refused := leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "single sign-on failed: start again from /login/oidc")
	state, err := r.Cookie(oidcStateCookie)
	if err != nil || r.URL.Query().Get("error") != "" || subtle.ConstantTimeCompare([]byte(state.Value), []byte(r.URL.Query().Get("state"))) != 1 {
		return nil, refused
	}
	nonce, err := r.Cookie(oidcNonceCookie)
	if err != nil {
		return nil, refused
	}
	tok, err := o.oauth.Exchange(r.Context(), r.URL.Query().Get("code"))
	if err != nil {
		return nil, refused
	}
	raw, _ := tok.Extra("id_token").(string)
	idToken, err := o.verifier.Verify(r.Context(), raw)
	if err != nil || subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(nonce.Value)) != 1 {
		return nil, refused
	}
	acc, err := o.accounts.FindAccountByOIDC(r.Context(), o.issuer, idToken.Subject)
	if leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "no leakdesk account is linked to this single sign-on identity: an admin links it (PUT /api/v1/accounts/{account}/oidc)")
	}
	return acc, err
}

// oidcLink is the body of PUT /api/v1/accounts/{account}/oidc.
type oidcLink struct {
	Subject string `json:"subject"`
}

// handleOIDCLink lets an account log in by single sign-on as a subject of
// the configured provider.
func (s *server) handleOIDCLink() http.Handler {
	return call(s, func(r *http.Request, in oidcLink) (*leakdesk.Account, error) {
		if s.cfg.OIDC == nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "single sign-on is not configured: see leakdesk serve --oidc-issuer")
		}
		acc, err := s.account(r)
		if err != nil {
			return nil, err
		}
		if err := s.cfg.OIDC.accounts.LinkOIDC(r.Context(), acc.ID, s.cfg.OIDC.issuer, in.Subject, principal(r).String()); err != nil {
			return nil, err
		}
		return acc, nil
	})
}
