package http

import (
	_ "embed"
	"net/http"
)

// openAPI describes every /api/v1 route. TestOpenAPIMatchesRoutes keeps it
// in step with the route table.
//
//go:embed openapi.json
var openAPI []byte

func handleOpenAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI)
	})
}

// jsonBody is the request media type of a route that declares none.
const jsonBody = "application/json"

// upload is a handler whose request body is not JSON: a file, a message
// or a form, declared so that the OpenAPI document describes it.
type upload struct {
	http.Handler
	mediaTypes []string
}

// accepts declares that h reads a body of one of mediaTypes.
func accepts(h http.Handler, mediaTypes ...string) http.Handler {
	return upload{Handler: h, mediaTypes: mediaTypes}
}

// requestMediaTypes are the media types rt's request body may have.
func (rt route) requestMediaTypes() []string {
	if u, ok := rt.handler.(upload); ok {
		return u.mediaTypes
	}
	return []string{jsonBody}
}
