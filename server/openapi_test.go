package server

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIListsEveryRoute keeps the served OpenAPI document true: every
// API route registered in http.go is in it, and nothing else is.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	src, err := os.ReadFile("http.go")
	if err != nil {
		t.Fatal(err)
	}
	b, err := webFS.ReadFile("web/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?:h|api)\("(GET|POST|PUT|DELETE) (/(?:api|ws|healthz|metrics)[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		routes[strings.ToLower(m[1])+" "+m[2]] = true
	}
	if len(routes) < 15 {
		t.Fatalf("found only %d routes in http.go: the pattern is stale", len(routes))
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for op := range ops {
			documented[op+" "+p] = true
		}
	}
	for r := range routes {
		if !documented[r] {
			t.Errorf("route %s is not in web/openapi.json", r)
		}
	}
	for r := range documented {
		if !routes[r] {
			t.Errorf("web/openapi.json documents %s, which http.go does not serve", r)
		}
	}
}
