package http

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// maxJSONBody bounds a JSON request body.
const maxJSONBody = 1 << 20

// encode writes v as JSON with status.
func encode[T any](w http.ResponseWriter, status int, v T) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decode reads a JSON body into a T. Unknown fields are refused, so that
// a misspelt field is an error and not a silently ignored input.
func decode[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil && !errors.Is(err, io.EOF) {
		return v, leakdesk.Errorf(leakdesk.EINVALID, "invalid JSON body: %v", err)
	}
	return v, nil
}

// statusOf maps a leakdesk error code to an HTTP status; any other code
// is a 500.
func statusOf(err error) int {
	statuses := map[string]int{
		leakdesk.EINVALID:      http.StatusBadRequest,
		leakdesk.EUNAUTHORIZED: http.StatusUnauthorized,
		leakdesk.EFORBIDDEN:    http.StatusForbidden,
		leakdesk.ENOTFOUND:     http.StatusNotFound,
		leakdesk.ECONFLICT:     http.StatusConflict,
		leakdesk.EINTEGRITY:    http.StatusUnprocessableEntity,
		leakdesk.EUNREAD:       http.StatusUnprocessableEntity,
		leakdesk.EUNAVAILABLE:  http.StatusServiceUnavailable,
	}
	if status, ok := statuses[leakdesk.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// apiError is the body of every failed API call.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// fail answers err as {"error": {"code", "message"}}. An internal error is
// logged here, once, and its text never reaches the client.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var body apiError
	status := statusOf(err)
	body.Error.Code, body.Error.Message = leakdesk.ErrorCode(err), leakdesk.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "route", r.Pattern, "error", err)
		body.Error.Code, body.Error.Message = leakdesk.EINTERNAL, "internal error: the server's log has the details"
	}
	encode(w, status, body)
}
