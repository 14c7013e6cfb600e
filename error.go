package leakdesk

import (
	"errors"
	"fmt"
)

// Error codes. Only the edges (the CLI and the HTTP API) turn them into exit
// codes or statuses; everything in between passes them through unchanged.
const (
	ECONFLICT     = "conflict"     // the action contradicts the current state
	EINTERNAL     = "internal"     // a bug or an unexpected failure
	EINVALID      = "invalid"      // the input is malformed or incomplete
	ENOTFOUND     = "not_found"    // the named thing does not exist
	EUNAUTHORIZED = "unauthorized" // a key or credential is wrong
	EFORBIDDEN    = "forbidden"    // the principal is known but its roles do not allow the action
	EUNAVAILABLE  = "unavailable"  // a dependency (database, disk) cannot serve now; retrying may help
	EINTEGRITY    = "integrity"    // stored records or files fail verification
	EUNREAD       = "unread"       // a file, or part of one, could not be read: its content is unknown, not empty
)

// Error is a failure meant to be shown to a user as it is.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or the
// error's own text: internal errors are reported in full because the CLI's
// users are the operators who must act on them.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
