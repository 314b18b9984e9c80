// Command argocdoracle answers Argo CD 3.5.1's project-rule questions, one JSON request per
// line on stdin, one JSON answer per line on stdout. It is the reference the Python rules in
// gitops_platform/rules/argocd.py are tested against.
//
// The functions below are copied from argoproj/argo-cd v3.5.1, unchanged but for names:
//   - globMatch, isDenyPattern, isDestinationMatched, IsSourcePermitted:
//     pkg/apis/application/v1alpha1/app_project_types.go
//   - NormalizeGitURL, IsSSHURL, ensurePrefix: util/git/git.go
//   - glob matching: util/glob/glob.go (github.com/gobwas/glob v0.2.3, the version of go.mod)
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/gobwas/glob"
)

type destination struct {
	Server    string `json:"server"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

type request struct {
	Op           string        `json:"op"`
	Pattern      string        `json:"pattern"`
	Value        string        `json:"value"`
	Separators   string        `json:"separators"`
	Negation     bool          `json:"negation"`
	Destinations []destination `json:"destinations"`
	Repos        []string      `json:"repos"`
	Dest         destination   `json:"dest"`
}

type answer struct {
	Bool   bool   `json:"bool"`
	String string `json:"string"`
	Panic  string `json:"panic,omitempty"`
}

func globMatchRaw(pattern, text string, separators ...rune) bool {
	compiled, err := glob.Compile(pattern, separators...)
	if err != nil {
		return false
	}
	return compiled.Match(text)
}

func globMatch(pattern string, val string, allowNegation bool, separators ...rune) bool {
	if allowNegation && isDenyPattern(pattern) {
		return !globMatchRaw(pattern[1:], val, separators...)
	}
	if pattern == "*" {
		return true
	}
	return globMatchRaw(pattern, val, separators...)
}

func isDenyPattern(pattern string) bool {
	return strings.HasPrefix(pattern, "!")
}

func isDestinationMatched(destinations []destination, dst destination) bool {
	anyDestinationMatched := false
	for _, item := range destinations {
		dstNameMatched := dst.Name != "" && globMatch(item.Name, dst.Name, true)
		dstServerMatched := dst.Server != "" && globMatch(item.Server, dst.Server, true)
		dstNamespaceMatched := globMatch(item.Namespace, dst.Namespace, true)

		matched := (dstServerMatched || dstNameMatched) && dstNamespaceMatched
		switch {
		case matched:
			anyDestinationMatched = true
		case (!dstNameMatched && isDenyPattern(item.Name)) || (!dstServerMatched && isDenyPattern(item.Server)) && dstNamespaceMatched:
			return false
		case !dstNamespaceMatched && isDenyPattern(item.Namespace) && dstServerMatched:
			return false
		}
	}
	return anyDestinationMatched
}

func isSourcePermitted(sourceRepos []string, repoURL string) bool {
	srcNormalized := NormalizeGitURL(repoURL)
	var normalized string
	anySourceMatched := false
	for _, repoURL := range sourceRepos {
		if isDenyPattern(repoURL) {
			normalized = "!" + NormalizeGitURL(strings.TrimPrefix(repoURL, "!"))
		} else {
			normalized = NormalizeGitURL(repoURL)
		}
		matched := globMatch(normalized, srcNormalized, true, '/')
		if matched {
			anySourceMatched = true
		} else if !matched && isDenyPattern(normalized) {
			return false
		}
	}
	return anySourceMatched
}

var sshURLRegex = regexp.MustCompile("^(ssh://)?([^/:]*?)@[^@]+$")

func ensurePrefix(s, prefix string) string {
	if !strings.HasPrefix(s, prefix) {
		s = prefix + s
	}
	return s
}

func IsSSHURL(url string) (bool, string) {
	matches := sshURLRegex.FindStringSubmatch(url)
	if len(matches) > 2 {
		return true, matches[2]
	}
	return false, ""
}

func NormalizeGitURL(repo string) string {
	repo = strings.ToLower(strings.TrimSpace(repo))
	if yes, _ := IsSSHURL(repo); yes {
		if !strings.HasPrefix(repo, "ssh://") {
			repo = strings.Replace(repo, ":", "/", 1)
			repo = ensurePrefix(repo, "ssh://")
		}
	}
	repo = strings.TrimSuffix(repo, ".git")
	repoURL, err := url.Parse(repo)
	if err != nil {
		return ""
	}
	normalized := repoURL.String()
	return strings.TrimPrefix(normalized, "ssh://")
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			panic(err)
		}
		if err := out.Encode(evaluate(req)); err != nil {
			panic(err)
		}
	}
	if err := in.Err(); err != nil {
		panic(err)
	}
}

// evaluate answers one request; gobwas/glob v0.2.3 panics on some patterns (for example
// "**{!,*{[!b]{" against "?"), which is reported instead of crashing the oracle.
func evaluate(req request) (ans answer) {
	defer func() {
		if r := recover(); r != nil {
			ans = answer{Panic: fmt.Sprint(r)}
		}
	}()
	switch req.Op {
	case "glob":
		ans.Bool = globMatch(req.Pattern, req.Value, req.Negation, []rune(req.Separators)...)
	case "url":
		ans.String = NormalizeGitURL(req.Value)
	case "source":
		ans.Bool = isSourcePermitted(req.Repos, req.Value)
	case "destination":
		ans.Bool = isDestinationMatched(req.Destinations, req.Dest)
	default:
		panic("unknown op " + req.Op)
	}
	return ans
}
