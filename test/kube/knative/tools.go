//go:build tools

package knative

import _ "knative.dev/eventing/cmd/apiserver_receive_adapter"
