package http

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate is a token bucket: Burst requests at once, then one every Every.
type Rate struct {
	Every time.Duration
	Burst int
}

// Limits are the per-client-address rate limits that slow down password
// guessing, token guessing and acknowledgement-link guessing.
type Limits struct {
	Login         Rate // every POST /login
	TokenFailures Rate // bearer tokens that fail to authenticate
	AckLinks      Rate // every request for an acknowledgement link
}

// DefaultLimits allow a person who mistypes a few times, not a guesser.
func DefaultLimits() Limits {
	return Limits{
		Login:         Rate{Every: 12 * time.Second, Burst: 5},
		TokenFailures: Rate{Every: 12 * time.Second, Burst: 5},
		AckLinks:      Rate{Every: time.Second, Burst: 20},
	}
}

// maxLimitedClients bounds the limiter's memory: past it, the buckets
// start afresh, which at worst lets a client retry a little early.
const maxLimitedClients = 10000

// limiter keeps one token bucket per client address.
type limiter struct {
	rate    Rate
	mu      sync.Mutex
	clients map[string]*rate.Limiter
}

func newLimiter(r Rate) *limiter {
	return &limiter{rate: r, clients: map[string]*rate.Limiter{}}
}

// bucket returns the client's bucket. The client is the connection's
// address: behind a reverse proxy, every client shares the proxy's.
func (l *limiter) bucket(r *http.Request) *rate.Limiter {
	addr, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		addr = r.RemoteAddr
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.clients[addr]
	if !ok {
		if len(l.clients) >= maxLimitedClients {
			clear(l.clients)
		}
		b = rate.NewLimiter(rate.Every(l.rate.Every), l.rate.Burst)
		l.clients[addr] = b
	}
	return b
}

// refuse answers 429 with the seconds to wait before the next try.
func (s *server) refuse(w http.ResponseWriter, r *http.Request, l *limiter) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(l.rate.Every.Seconds()))))
	s.log.Warn("rate limited", "route", r.Pattern)
	var body apiError
	body.Error.Code, body.Error.Message = "rate_limited", "too many attempts: wait and try again"
	encode(w, http.StatusTooManyRequests, body)
}

// limited wraps next so that requests beyond l's rate get 429.
func (s *server) limited(l *limiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.bucket(r).Allow() {
			s.refuse(w, r, l)
			return
		}
		next.ServeHTTP(w, r)
	})
}
