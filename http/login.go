package http

import (
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// loginPage is what the login form shows.
type loginPage struct {
	Name  string
	Error string
}

func (s *server) handleLoginForm() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		render(w, s.log, s.tmpl, http.StatusOK, "login.html", loginPage{})
	})
}

// handleLogin checks the name and password, opens a session in the store
// and sets its cookie. A failure says the same whatever was wrong, so
// that nobody learns which accounts exist.
func (s *server) handleLogin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PostFormValue("name")
		p, err := s.cfg.Accounts.Authenticate(r.Context(), name, r.PostFormValue("password"))
		if err == nil {
			err = s.startSession(w, r, p.AccountID)
		}
		if err != nil {
			if status := statusOf(err); status == http.StatusInternalServerError {
				s.fail(w, r, err)
			} else {
				render(w, s.log, s.tmpl, status, "login.html", loginPage{Name: name, Error: leakdesk.ErrorMessage(err)})
			}
			return
		}
		s.log.Info("logged in", "principal", p.String())
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
}

// startSession opens a session for the account and sets its cookie.
func (s *server) startSession(w http.ResponseWriter, r *http.Request, accountID int64) error {
	sess, secret, err := s.cfg.Accounts.CreateSession(r.Context(), accountID, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", Expires: sess.ExpiresAt,
		Secure: s.cfg.SecureCookies, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return nil
}

// handleLogout revokes the session in the store, so that a copied cookie
// stops working too, and clears the cookie.
func (s *server) handleLogout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(sessionCookie); err == nil {
			if err := s.cfg.Accounts.RevokeSession(r.Context(), c.Value); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, Secure: s.cfg.SecureCookies, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	})
}

func (s *server) handleWhoami() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		encode(w, http.StatusOK, principal(r))
	})
}
