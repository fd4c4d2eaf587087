package web

// RoutePolicies returns the declared policy of every route of s, by
// pattern: its access and its rate-limit classes.
func RoutePolicies(s *Server) map[string]RoutePolicy {
	out := make(map[string]RoutePolicy, len(s.policies))
	for pattern, p := range s.policies {
		out[pattern] = RoutePolicy{Access: p.access.String(), Classes: p.limit.classes()}
	}
	return out
}

// RoutePolicy is a route's declared policy, for the tests of web_test.
type RoutePolicy struct {
	Access  string
	Classes []string
}
