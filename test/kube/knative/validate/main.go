// Command knative-validate asks Knative Serving and Eventing themselves whether their admission
// webhooks would accept the objects of a rendered kustomize tree, without a cluster.
//
//	kubectl kustomize knative/private | knative-validate [--feature name=value]...
//
// Every object in a knative.dev group is decoded strictly into the release's own Go type (an
// unknown or duplicate field is an error, as with the API server's strict field validation), then
// defaulted and validated as on a create, in a context holding the release's stock configuration
// (context.go). Objects of other groups are listed as skipped; a knative.dev kind this release does
// not know is an error, so a typo in a kind or a version cannot pass unjudged.
//
// Not covered, because they need a cluster: Serving's extra check of a dry-run request (it
// creates the pod in dry-run), and what the API server itself does with the CRD schemas (the Go
// types stand in for them, as they are generated from the same types).
//
// It prints which Knative release judged and which feature flags were set, then one line per
// object, `<Kind>/<namespace>/<name>: ok` or the reason, and exits 1 when any object is refused
// (2 on bad input or flags).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"knative.dev/pkg/apis"
	strictjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	eventingscheme "knative.dev/eventing/pkg/client/clientset/versioned/scheme"
	servingscheme "knative.dev/serving/pkg/client/clientset/versioned/scheme"
)

// admissible is what both webhooks require of the objects they default and validate.
type admissible interface {
	runtime.Object
	apis.Defaultable
	apis.Validatable
}

// header is just enough of any object to name it in the report.
type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

func main() {
	var features featureList
	flag.Var(&features, "feature", "set a config-features flag of Serving or Eventing, `name=value` (repeatable)")
	flag.Parse()

	ctx, used, err := webhookContext(features)
	if err != nil {
		fmt.Fprintln(os.Stderr, "knative-validate:", err)
		os.Exit(2)
	}
	fmt.Println("knative:", releases())
	if len(used) == 0 {
		fmt.Println("features: defaults")
	}
	for _, f := range used {
		fmt.Println("feature:", f)
	}

	docs, err := readDocuments(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "knative-validate:", err)
		os.Exit(2)
	}
	// Both releases' own registries of kinds: a kind missing here is one Knative would not serve.
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{servingscheme.AddToScheme, eventingscheme.AddToScheme} {
		if err := add(scheme); err != nil {
			fmt.Fprintln(os.Stderr, "knative-validate:", err)
			os.Exit(2)
		}
	}

	refused := false
	for _, doc := range docs {
		name, verdict, ok := judge(ctx, scheme, doc)
		refused = refused || !ok
		fmt.Printf("%s: %s\n", name, verdict)
	}
	if refused {
		os.Exit(1)
	}
}

// judge returns the object's name, the verdict to print, and whether Knative accepts it.
func judge(ctx context.Context, scheme *runtime.Scheme, doc []byte) (string, string, bool) {
	var h header
	if err := json.Unmarshal(doc, &h); err != nil {
		return "?", "not an object: " + err.Error(), false
	}
	name := fmt.Sprintf("%s/%s/%s", h.Kind, h.Metadata.Namespace, h.Metadata.Name)
	gvk := schema.FromAPIVersionAndKind(h.APIVersion, h.Kind)
	if gvk.Group != "knative.dev" && !strings.HasSuffix(gvk.Group, ".knative.dev") {
		return name, "skipped (not Knative)", true
	}
	created, err := scheme.New(gvk)
	if err != nil {
		return name, fmt.Sprintf("unknown Knative kind %s in %s", gvk.Kind, gvk.GroupVersion()), false
	}
	obj, isAdmissible := created.(admissible)
	if !isAdmissible {
		return name, fmt.Sprintf("%s is not a kind Knative admits", gvk.Kind), false
	}
	if err := decodeStrict(doc, obj); err != nil {
		return name, err.Error(), false
	}
	// The defaulting webhook runs before the validating one, both as on a create.
	ctx = apis.WithinCreate(ctx)
	obj.SetDefaults(ctx)
	result := obj.Validate(ctx)
	if errs := result.Filter(apis.ErrorLevel); errs != nil {
		return name, oneLine(errs.Error()), false
	}
	// Warnings do not refuse an object (kubectl prints them), but they are worth reading.
	if warnings := result.Filter(apis.WarningLevel); warnings != nil {
		return name, "ok (warning: " + oneLine(warnings.Error()) + ")", true
	}
	return name, "ok", true
}

// decodeStrict decodes like the API server's strict field validation: case-sensitive, and an
// unknown or duplicated field is an error rather than silently dropped.
func decodeStrict(doc []byte, obj runtime.Object) error {
	strict, err := strictjson.UnmarshalStrict(doc, obj)
	if err != nil {
		return fmt.Errorf("cannot decode: %w", err)
	}
	if len(strict) > 0 {
		return fmt.Errorf("strict decoding error: %w", errors.Join(strict...))
	}
	return nil
}

// readDocuments splits multi-document YAML and converts each non-empty document to JSON,
// refusing duplicate keys as the API server would.
func readDocuments(in io.Reader) ([][]byte, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		j, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", len(docs)+1, err)
		}
		if trimmed := strings.TrimSpace(string(j)); trimmed != "null" && trimmed != "" {
			docs = append(docs, j)
		}
	}
}

// releases names the Knative modules this binary was built from, so a report says who judged.
func releases() string {
	versions := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			versions[dep.Path] = dep.Version
		}
	}
	var found []string
	for _, module := range []string{"knative.dev/serving", "knative.dev/eventing"} {
		found = append(found, module+" "+versions[module])
	}
	return strings.Join(found, ", ")
}

func oneLine(s string) string {
	return strings.ReplaceAll(s, "\n", "; ")
}
