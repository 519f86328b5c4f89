import { describe, expect, it } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { CloudEvent } from 'cloudevents';

describe('toolchain', () => {
  it('loads the ESM-only Kubernetes client and the CloudEvents SDK under Jest ESM', () => {
    expect(typeof k8s.KubeConfig).toBe('function');
    expect(new CloudEvent({ type: 't', source: '/s', data: {} }).specversion).toBe('1.0');
  });
});
