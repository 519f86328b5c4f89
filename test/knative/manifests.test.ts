import { expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { schemaProblems } from './support/manifest-schemas.js';
import { ofKind, overlays, render } from './support/render.js';
import { describeWithKubectl } from './support/skip-without-kubectl.js';

const describeRendered = describeWithKubectl();

describeRendered('knative/ overlays render and validate against upstream schemas', () => {
  it('when the overlays are listed, then private, public and the shared CRDs are among them', () => {
    expect(overlays()).toEqual(expect.arrayContaining(['crds', 'private', 'public']));
  });

  it.each(overlays())('when knative/%s is rendered with kubectl kustomize, then it yields objects', (overlay) => {
    expect(render(overlay).length).toBeGreaterThan(0);
  });

  it.each(overlays())('when knative/%s is rendered, then every object is valid by its upstream schema or CRD', async (overlay) => {
    const objects = render(overlay);
    const crds = [...ofKind(render('crds'), 'CustomResourceDefinition'), ...ofKind(objects, 'CustomResourceDefinition')];
    const problems = await Promise.all(objects.map(async (obj) => (await schemaProblems(obj, crds)).map((p) => `${obj.kind}/${obj.metadata.name}: ${p}`)));
    expect(problems.flat()).toEqual([]);
  });

  it.each(overlays())('when knative/%s is rendered, then no two objects share kind, namespace and name', (overlay) => {
    const keys = render(overlay).map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('when the private overlay is rendered, then every container runs the system\'s own image (set by the admin\'s overlay) or an image pinned by digest', () => {
    const images = (value: unknown): string[] => {
      if (Array.isArray(value)) return value.flatMap(images);
      if (typeof value !== 'object' || value === null) return [];
      return Object.entries(value).flatMap(([key, inner]) => (key === 'image' && typeof inner === 'string' ? [inner] : images(inner)));
    };
    const all = images(render('private'));
    expect(all.length).toBeGreaterThan(1);
    expect(all.filter((image) => image !== 'internal-services-serverless' && !/@sha256:[0-9a-f]{64}$/.test(image))).toEqual([]);
  });

  it('when the public overlay is rendered, then it holds only the CRDs and the three remote identities (the watcher\'s, the functions\' and the sweep\'s)', () => {
    const kinds = render('public').map((o) => o.kind).sort();
    const identity = ['ClusterRole', 'ClusterRoleBinding', 'Secret', 'ServiceAccount'];
    expect(kinds).toEqual([...identity, ...identity, ...identity, 'CustomResourceDefinition', 'CustomResourceDefinition', 'Namespace'].sort());
  });

  it('when the private overlay is rendered, then it defines two namespaces, internal-services and internal-services-pipelines, and every namespaced object is in one of them: the PipelineRun Roles and their bindings in the second, all else in the first', () => {
    const clusterScoped = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding']);
    const objects = render('private');
    expect(ofKind(objects, 'Namespace').map((ns) => ns.metadata.name).sort()).toEqual(['internal-services', 'internal-services-pipelines']);
    const byNamespace: Record<string, string[]> = {};
    for (const o of objects.filter((object) => !clusterScoped.has(object.kind))) (byNamespace[o.metadata.namespace ?? '(none)'] ??= []).push(`${o.kind}/${o.metadata.name}`);
    expect(Object.keys(byNamespace).sort()).toEqual(['internal-services', 'internal-services-pipelines']);
    const runRoles = ['cleanup', 'pipelinerun-creator', 'pipelinerun-source', 'resync', 'status-relay'];
    expect((byNamespace['internal-services-pipelines'] ?? []).sort()).toEqual([...runRoles.map((name) => `Role/${name}`), ...runRoles.map((name) => `RoleBinding/${name}`)].sort());
  });
});

describeRendered('an admin overlay on top of knative/private (as docs/deploy.md shows)', () => {
  it('when it sets the image, the allowList and the sweep\'s schedule, then every workload of ours runs that image, the config allows those namespaces and the PingSource has that schedule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'admin-overlay-'));
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ${relative(dir, resolve('knative/private'))}
images:
  - name: internal-services-serverless
    newName: registry.example.com/internal-services-serverless
    newTag: "1.0.0"
patches:
  - target: {kind: InternalServicesConfig, name: config}
    patch: |-
      - op: replace
        path: /spec/allowList
        value: [tenant-a, tenant-b]
  - target: {kind: PingSource, name: resync}
    patch: |-
      - op: replace
        path: /spec/schedule
        value: "*/15 * * * *"
`);
      const objects = render(dir, '/');
      const images = JSON.stringify(objects).match(/"image":"[^"]*"/g) ?? [];
      expect(images.filter((i) => i.includes('internal-services-serverless'))).toEqual(Array(6).fill('"image":"registry.example.com/internal-services-serverless:1.0.0"'));
      expect(ofKind(objects, 'InternalServicesConfig')[0]?.['spec']).toMatchObject({ allowList: ['tenant-a', 'tenant-b'] });
      expect(ofKind(objects, 'PingSource')[0]?.['spec']).toMatchObject({ schedule: '*/15 * * * *' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeRendered('the schema check itself', () => {
  it('when a manifest breaks its upstream schema, then the problem is reported', async () => {
    const service = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 's' }, spec: { template: { spec: { containerConcurrency: 'ten', containers: [{ name: 'c', image: 'i' }] } } } };
    expect(await schemaProblems(service, [])).toEqual([expect.stringMatching(/containerConcurrency must be integer/)]);
  });

  it('when one of our resources has an unknown or invalid field, then the CRD schema reports it', async () => {
    const crds = ofKind(render('crds'), 'CustomResourceDefinition');
    const config = { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalServicesConfig', metadata: { name: 'config' }, spec: { allowlist: [], volumeClaim: { size: 'lots' } } };
    expect(await schemaProblems(config, crds)).toEqual([expect.stringMatching(/^spec\.allowlist: unknown field/), expect.stringMatching(/^spec\.volumeClaim\.size: /)]);
  });

  it('when a kind has no schema anywhere, then that is reported rather than passed', async () => {
    expect(await schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, [])).toEqual(['no upstream schema for example.com/v1 Widget']);
  });
});
