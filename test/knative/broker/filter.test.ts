import { describe, expect, it } from '@jest/globals';
import { CloudEvent } from 'cloudevents';
import { envelopeOf } from '../../../local/broker/decode-event.js';
import { matchesFilter } from '../../../local/broker/filter.js';

const { attributes: irAdd } = envelopeOf(new CloudEvent({
  type: 'dev.knative.apiserver.resource.add',
  source: 'https://10.96.0.1:443',
  kind: 'InternalRequest',
  apiversion: 'appstudio.redhat.com/v1alpha1',
  data: {},
}));

describe('Trigger filter.attributes, matched as Knative does', () => {
  it('when every listed attribute equals the event, then the event matches', () => {
    expect(matchesFilter({ type: 'dev.knative.apiserver.resource.add', kind: 'InternalRequest' }, irAdd)).toBe(true);
  });

  it('when one listed attribute differs, then the event does not match (attributes are ANDed)', () => {
    expect(matchesFilter({ type: 'dev.knative.apiserver.resource.add', kind: 'PipelineRun' }, irAdd)).toBe(false);
    expect(matchesFilter({ type: 'dev.knative.apiserver.resource.update', kind: 'InternalRequest' }, irAdd)).toBe(false);
  });

  it('when the match is only a prefix or differs in case, then the event does not match (exact match)', () => {
    expect(matchesFilter({ type: 'dev.knative.apiserver.resource' }, irAdd)).toBe(false);
    expect(matchesFilter({ kind: 'internalrequest' }, irAdd)).toBe(false);
  });

  it('when the filter names an extension the event lacks, then the event does not match', () => {
    expect(matchesFilter({ type: irAdd.type ?? '', namespace: 'default' }, irAdd)).toBe(false);
  });

  it('when the filter value is empty, then any value matches but the extension must be there', () => {
    expect(matchesFilter({ kind: '' }, irAdd)).toBe(true);
    expect(matchesFilter({ namespace: '' }, irAdd)).toBe(false);
  });

  it('when the filter is empty, then every event matches', () => {
    expect(matchesFilter({}, irAdd)).toBe(true);
  });

  it('when the filter names source, then the source attribute is compared', () => {
    expect(matchesFilter({ source: 'https://10.96.0.1:443' }, irAdd)).toBe(true);
    expect(matchesFilter({ source: '/internal-services/admission' }, irAdd)).toBe(false);
  });

  it('when the filter names an unset context attribute with "", then it matches, as Knative treats it as present', () => {
    expect(matchesFilter({ subject: '' }, irAdd)).toBe(true);
    expect(matchesFilter({ subject: 'x' }, irAdd)).toBe(false);
  });
});
