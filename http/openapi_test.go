package http

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
)

var update = flag.Bool("update", false, "rewrite the golden files: openapi.json, the route table in docs/api.md, the SVG charts and the README's screenshots")

// apiRoutes returns the route table's /api/v1 routes.
func apiRoutes(t *testing.T) []route {
	t.Helper()
	s, err := newServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(s.routes(), func(rt route) bool {
		_, path, _ := strings.Cut(rt.pattern, " ")
		return !strings.HasPrefix(path, "/api/v1/")
	})
}

// TestOpenAPIMatchesRoutes: every API route of the table is in
// openapi.json, and every operation there is a route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	if *update {
		if err := os.WriteFile("openapi.json", generateOpenAPI(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	for _, rt := range apiRoutes(t) {
		if !documented[rt.pattern] {
			t.Errorf("%s is not in openapi.json (go test ./http -run OpenAPI -update)", rt.pattern)
		}
		delete(documented, rt.pattern)
	}
	for _, op := range slices.Sorted(maps.Keys(documented)) {
		t.Errorf("openapi.json documents %s, which is no route", op)
	}
	if !bytes.Equal(openAPI, generateOpenAPI(t)) {
		t.Errorf("openapi.json is stale: go test ./http -run OpenAPI -update")
	}
}

// TestOpenAPIRequestMediaTypes: the uploads are described by what they
// read (a zip, a form, CSV, mail), not as JSON, and every other body is
// JSON.
func TestOpenAPIRequestMediaTypes(t *testing.T) {
	uploads := map[string][]string{
		"POST /api/v1/bundles/verify":            {"application/zip"},
		"POST /api/v1/incidents/{id}/evidence":   {"multipart/form-data"},
		"POST /api/v1/incidents/{id}/recipients": {"text/csv"},
		"POST /api/v1/delivery-reports":          {"application/mbox", "message/rfc822"},
	}
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody *struct {
				Required bool                       `json:"required"`
				Content  map[string]json.RawMessage `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	for _, rt := range apiRoutes(t) {
		method, path, _ := strings.Cut(rt.pattern, " ")
		body := doc.Paths[path][strings.ToLower(method)].RequestBody
		if method != "POST" && method != "PUT" {
			if body != nil {
				t.Errorf("%s documents a request body", rt.pattern)
			}
			continue
		}
		want, upload := uploads[rt.pattern]
		if !upload {
			want = []string{"application/json"}
		}
		delete(uploads, rt.pattern)
		if body == nil {
			t.Errorf("%s documents no request body", rt.pattern)
			continue
		}
		if got := slices.Sorted(maps.Keys(body.Content)); !slices.Equal(got, want) || body.Required != upload {
			t.Errorf("%s takes %v (required %t), want %v (required %t)", rt.pattern, got, body.Required, want, upload)
		}
	}
	for pattern := range uploads {
		t.Errorf("the upload %s is no route", pattern)
	}
}

// generateOpenAPI writes the document from the route table: the access
// of each route is its security and its x-leakdesk-action.
func generateOpenAPI(t *testing.T) []byte {
	paths := map[string]map[string]any{}
	param := regexp.MustCompile(`\{(\w+)\}`)
	for _, rt := range apiRoutes(t) {
		method, path, _ := strings.Cut(rt.pattern, " ")
		op := map[string]any{
			"summary": rt.summary,
			"responses": map[string]any{
				"200":     map[string]any{"description": "the result, as the command line's --format json shows it"},
				"default": map[string]any{"$ref": "#/components/responses/Error"},
			},
		}
		if !rt.access.public {
			op["security"] = []map[string][]string{{"bearer": {}}, {"session": {}}}
		}
		if rt.access.action != "" {
			op["x-leakdesk-action"] = rt.access.action
		}
		var params []map[string]any
		for _, m := range param.FindAllStringSubmatch(path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if method == "POST" || method == "PUT" {
			content := map[string]any{}
			for _, mt := range rt.requestMediaTypes() {
				// A file or a form is described by its media type alone:
				// OpenAPI 3.1 gives raw bytes no schema.
				content[mt] = map[string]any{}
			}
			if content[jsonBody] != nil {
				content[jsonBody] = map[string]any{"schema": map[string]string{"type": "object"}}
			}
			body := map[string]any{"content": content}
			if content[jsonBody] == nil {
				body["required"] = true
			}
			op["requestBody"] = body
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(method)] = op
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]string{"title": "leakdesk API", "version": "1", "description": "See docs/api.md. Errors are {\"error\": {\"code\", \"message\"}}."},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]string{"type": "http", "scheme": "bearer", "description": "an API token made by leakdesk user token"},
				"session": map[string]string{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
			"responses": map[string]any{"Error": map[string]any{
				"description": "an error: code is invalid (400), unauthorized (401), forbidden (403), not_found (404), conflict (409), rate_limited (429), internal (500) or unavailable (503)",
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"type": "object",
					"properties": map[string]any{"error": map[string]any{"type": "object", "properties": map[string]any{
						"code": map[string]string{"type": "string"}, "message": map[string]string{"type": "string"}}}},
				}}},
			}},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestDocumentedRouteRoles: the table of routes and roles in docs/api.md
// is the route table's, with the roles Policy gives each action.
func TestDocumentedRouteRoles(t *testing.T) {
	const begin, end = "<!-- routes: generated by go test ./http -run DocumentedRouteRoles -update -->\n", "<!-- end of routes -->\n"
	path := "../docs/api.md"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := bytes.Cut(doc, []byte(begin))
	_, after, ok2 := bytes.Cut(rest, []byte(end))
	if !ok1 || !ok2 {
		t.Fatalf("%s has no generated route table between %q and %q", path, begin, end)
	}
	var b strings.Builder
	b.WriteString("| route | action | roles |\n|---|---|---|\n")
	for _, rt := range apiRoutes(t) {
		action, roles := "any account or token", "all"
		switch {
		case rt.access.public:
			action, roles = "public", "anyone, unauthenticated"
		case rt.access.action != "":
			rule, _ := leakdesk.RuleFor(rt.access.action)
			action = "`" + string(rule.Action) + "`"
			names := make([]string, len(rule.Roles))
			for i, r := range rule.Roles {
				names[i] = string(r)
			}
			roles = strings.Join(names, ", ")
			if rt.access.scoped {
				roles += " (lists only their incidents)"
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", rt.pattern, action, roles)
	}
	want := string(before) + begin + b.String() + end + string(after)
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(doc) != want {
		t.Errorf("%s's route table is stale: go test ./http -run DocumentedRouteRoles -update", path)
	}
}
