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
