package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"reflect"
	"slices"
	"strings"

	eventingconfig "knative.dev/eventing/pkg/apis/config"
	"knative.dev/eventing/pkg/apis/eventing"
	"knative.dev/eventing/pkg/apis/feature"
	messagingconfig "knative.dev/eventing/pkg/apis/messaging/config"
	sourcesconfig "knative.dev/eventing/pkg/apis/sources/config"
	servingconfig "knative.dev/serving/pkg/apis/config"
	autoscalerconfig "knative.dev/serving/pkg/autoscaler/config"
)

// The broker and channel defaults an Eventing install ships in its ConfigMaps config-br-defaults
// and default-ch-webhook. They matter: without a cluster default class a Broker that names none is
// refused, while on a stock install it gets MTChannelBasedBroker.
var (
	stockBrokerDefaults = fmt.Sprintf(`clusterDefault: {brokerClass: %s, apiVersion: v1, kind: ConfigMap,
  name: config-br-default-channel, namespace: knative-eventing,
  delivery: {retry: 10, backoffPolicy: exponential, backoffDelay: PT0.2S}}`, eventing.MTChannelBrokerClassValue)
	stockChannelDefaults = `clusterDefault: {apiVersion: messaging.knative.dev/v1, kind: InMemoryChannel}`
)

// featureList collects repeated `--feature name=value` flags.
type featureList []string

func (f *featureList) String() string { return strings.Join(*f, ",") }

func (f *featureList) Set(value string) error {
	if name, _, found := strings.Cut(value, "="); !found || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want name=value, got %q", value)
	}
	*f = append(*f, value)
	return nil
}

// webhookContext builds the context both webhooks give SetDefaults and Validate: each config
// store of Serving and of Eventing loaded with the stock ConfigMaps, with the given
// config-features flags set. It returns the flags as each component parsed them.
func webhookContext(features []string) (context.Context, []string, error) {
	servingData, eventingData := map[string]string{}, map[string]string{}
	servingFields := map[string]string{}
	for _, f := range features {
		name, value, _ := strings.Cut(f, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		field, isServing := servingFlagField(name)
		isEventing := eventingFlagKnown(name)
		if !isServing && !isEventing {
			return nil, nil, fmt.Errorf("feature %q is a config-features flag of neither Serving nor Eventing", name)
		}
		if isServing {
			servingData[name], servingFields[name] = value, field
		}
		if isEventing {
			eventingData[name] = value
		}
	}

	servingFeatures, err := servingconfig.NewFeaturesConfigFromMap(servingData)
	if err != nil {
		return nil, nil, err
	}
	var used []string
	for name, value := range servingData {
		// Serving's parser ignores a value it does not know: see whether the flag took it.
		took := reflect.ValueOf(servingFeatures).Elem().FieldByName(servingFields[name]).String()
		if !strings.EqualFold(took, value) {
			return nil, nil, fmt.Errorf("serving's config-features does not accept %s=%s", name, value)
		}
		used = append(used, fmt.Sprintf("serving %s=%s", name, took))
	}
	eventingFlags, err := parseEventingFlags(eventingData)
	if err != nil {
		return nil, nil, err
	}
	for name := range eventingData {
		used = append(used, fmt.Sprintf("eventing %s=%s", name, eventingFlags[name]))
	}

	servingDefaults, err := servingconfig.NewDefaultsConfigFromMap(nil)
	if err != nil {
		return nil, nil, err
	}
	autoscaler, err := autoscalerconfig.NewConfigFromMap(nil)
	if err != nil {
		return nil, nil, err
	}
	brokerDefaults, err := eventingconfig.NewDefaultsConfigFromMap(map[string]string{eventingconfig.BrokerDefaultsKey: stockBrokerDefaults})
	if err != nil {
		return nil, nil, err
	}
	channelDefaults, err := messagingconfig.NewChannelDefaultsConfigFromMap(map[string]string{messagingconfig.ChannelDefaulterKey: stockChannelDefaults})
	if err != nil {
		return nil, nil, err
	}

	ctx := context.Background()
	ctx = servingconfig.ToContext(ctx, &servingconfig.Config{Defaults: servingDefaults, Features: servingFeatures, Autoscaler: autoscaler})
	ctx = eventingconfig.ToContext(ctx, &eventingconfig.Config{Defaults: brokerDefaults})
	ctx = messagingconfig.ToContext(ctx, &messagingconfig.Config{ChannelDefaults: channelDefaults})
	ctx = sourcesconfig.ToContext(ctx, sourcesconfig.FromContextOrDefaults(ctx)) // stock config-ping-defaults is empty
	ctx = feature.ToContext(ctx, eventingFlags)
	slices.Sort(used)
	return ctx, used, nil
}

// servingFlagField finds the Features field a config-features key sets. Serving's parser ignores
// keys it does not know, so parse the key as enabled and as disabled: the field that differs is
// the flag's, and a key that changes nothing is not a Serving flag.
func servingFlagField(name string) (string, bool) {
	on, errOn := servingconfig.NewFeaturesConfigFromMap(map[string]string{name: "enabled"})
	off, errOff := servingconfig.NewFeaturesConfigFromMap(map[string]string{name: "disabled"})
	if errOn != nil || errOff != nil {
		return "", false
	}
	a, b := reflect.ValueOf(on).Elem(), reflect.ValueOf(off).Elem()
	for i := range a.NumField() {
		if a.Field(i).Interface() != b.Field(i).Interface() {
			return a.Type().Field(i).Name, true
		}
	}
	return "", false
}

// eventingFlagKnown tells Eventing's flags apart from typos: Eventing's parser keeps any key, so
// the known ones are those it has a default for, plus the two it reads without one.
func eventingFlagKnown(name string) bool {
	if _, ok := feature.FromContextOrDefaults(context.Background())[name]; ok {
		return true
	}
	return name == feature.CrossNamespaceEventLinks || strings.HasPrefix(name, feature.NodeSelectorLabel)
}

// parseEventingFlags parses with Eventing's own parser, which logs (rather than returns) a value
// it does not understand; that warning is taken as a refusal.
func parseEventingFlags(data map[string]string) (feature.Flags, error) {
	var warnings bytes.Buffer
	log.SetOutput(&warnings)
	log.SetFlags(0)
	defer log.SetOutput(os.Stderr)
	flags, err := feature.NewFlagsConfigFromMap(data)
	if err != nil {
		return nil, err
	}
	if warnings.Len() > 0 {
		return nil, fmt.Errorf("eventing's config-features does not accept: %s", strings.TrimSpace(warnings.String()))
	}
	return flags, nil
}
