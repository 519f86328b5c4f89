// Command tekton-validate judges PipelineRun manifests the way a cluster with Tekton would on create,
// using Tekton's own Go code rather than our reading of its documentation.
//
// Input on stdin: one PipelineRun as a JSON object, or a JSON array of them. For each object it prints
// one line, in input order: "<namespace>/<name>: ok" or "<namespace>/<name>: <why it is refused>".
// With -json it prints one JSON document instead, for programs. Exit status: 0 when every object is
// accepted, 1 when any is refused, 2 when the input itself is unusable (not JSON, not objects).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tektoncd/pipeline/pkg/apis/config"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	"k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"knative.dev/pkg/apis"
	webhookjson "knative.dev/pkg/webhook/json"
)

// verdict is what the -json output holds for each object.
type verdict struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	OK        bool   `json:"ok"`
	Error     string `json:"error,omitempty"`
	// Warnings do not refuse a create; kubectl shows them.
	Warnings []string `json:"warnings,omitempty"`
}

// summary is the -json output.
type summary struct {
	Verdicts []verdict `json:"verdicts"`
	Refused  int       `json:"refused"`
}

func main() {
	asJSON := flag.Bool("json", false, "print one JSON document {verdicts, refused} instead of lines")
	flag.Parse()
	os.Exit(run(os.Stdin, os.Stdout, os.Stderr, *asJSON))
}

func run(in io.Reader, out, errOut io.Writer, asJSON bool) int {
	docs, err := readDocuments(in)
	if err != nil {
		fmt.Fprintf(errOut, "tekton-validate: bad input: %v\n", err)
		return 2
	}
	ctx := admissionContext()
	result := summary{Verdicts: make([]verdict, 0, len(docs))}
	for _, doc := range docs {
		v := judge(ctx, doc)
		if !v.OK {
			result.Refused++
		}
		result.Verdicts = append(result.Verdicts, v)
	}
	if asJSON {
		if err := json.NewEncoder(out).Encode(result); err != nil {
			fmt.Fprintf(errOut, "tekton-validate: %v\n", err)
			return 2
		}
	} else {
		for _, v := range result.Verdicts {
			status := "ok"
			if !v.OK {
				status = v.Error
			}
			fmt.Fprintf(out, "%s/%s: %s\n", v.Namespace, v.Name, status)
		}
	}
	if result.Refused > 0 {
		return 1
	}
	return 0
}

// readDocuments splits the input into one raw JSON object per PipelineRun. Anything but an object or
// an array of objects is bad input, not a refusal: there is no PipelineRun to judge.
func readDocuments(in io.Reader) ([]json.RawMessage, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errors.New("no JSON on stdin")
	}
	if !json.Valid(data) {
		var syntax any
		return nil, fmt.Errorf("stdin is not valid JSON: %v", json.Unmarshal(data, &syntax))
	}
	docs := []json.RawMessage{data}
	if data[0] == '[' {
		if err := json.Unmarshal(data, &docs); err != nil {
			return nil, err
		}
	}
	for i, doc := range docs {
		var object map[string]json.RawMessage
		if err := json.Unmarshal(doc, &object); err != nil || object == nil {
			return nil, fmt.Errorf("document %d is not a JSON object (it starts with %q)", i, bytes.TrimSpace(doc)[:1])
		}
	}
	return docs, nil
}

// admissionContext is the context Tekton's webhook gives SetDefaults and Validate for a create when
// no config-defaults or feature-flags ConfigMap overrides anything: the default config, and the
// create marker, without which create-only checks are skipped.
func admissionContext() context.Context {
	ctx := config.ToContext(context.Background(), config.FromContextOrDefaults(context.Background()))
	return apis.WithinCreate(ctx)
}

// judge applies, in the order a create meets them, every check that could refuse the object.
func judge(ctx context.Context, doc json.RawMessage) verdict {
	// The name first, leniently, so even an object that fails strict decoding is reported by name.
	var head struct {
		Metadata struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal(doc, &head)
	v := verdict{Namespace: head.Metadata.Namespace, Name: head.Metadata.Name}

	var pr v1.PipelineRun
	// Tekton's webhooks decode with this function and unknown fields disallowed: a field Tekton does
	// not know (a typo, or one of another Tekton release) is refused, not silently dropped. It leaves
	// metadata to the API server.
	if err := webhookjson.Decode(doc, &pr, true); err != nil {
		v.Error = "cannot decode as a tekton.dev/v1 PipelineRun: " + err.Error()
		return v
	}
	if pr.APIVersion != "tekton.dev/v1" || pr.Kind != "PipelineRun" {
		v.Error = fmt.Sprintf("apiVersion %q and kind %q are not tekton.dev/v1 and PipelineRun", pr.APIVersion, pr.Kind)
		return v
	}
	// The API server checks every custom resource's metadata (name, namespace, label and annotation
	// syntax) before any webhook sees it; Tekton's Validate leaves labels and annotations alone.
	meta := validation.ValidateObjectMetaAccessor(&pr, true, validation.NameIsDNSSubdomain, field.NewPath("metadata"))
	if err := meta.ToAggregate(); err != nil {
		v.Error = oneLine(err.Error())
		return v
	}
	// The mutating webhook runs before the validating one, so validation sees the defaulted object
	// (e.g. the default pipeline timeout, against which tasks and finally are then compared).
	pr.SetDefaults(ctx)
	result := pr.Validate(ctx)
	for _, warning := range result.Filter(apis.WarningLevel).WrappedErrors() {
		v.Warnings = append(v.Warnings, oneLine(warning.Error()))
	}
	// As in the webhook, only error-level findings refuse the object.
	if err := result.Filter(apis.ErrorLevel); err != nil {
		v.Error = oneLine(err.Error())
		return v
	}
	v.OK = true
	return v
}

// oneLine keeps one verdict per line: a FieldError with several causes prints one cause per line.
func oneLine(text string) string {
	return strings.ReplaceAll(strings.TrimSpace(text), "\n", "; ")
}
