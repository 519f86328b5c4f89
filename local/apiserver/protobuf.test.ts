import { describe, expect, it } from '@jest/globals';
import { decodeNamespaceCreate, ProtobufDecodeError } from './protobuf.js';

/** The body `kubectl create namespace foo` (kubectl 1.32) sends, captured from the wire. */
const KUBECTL_CREATE_NAMESPACE_FOO = Buffer.from(
  '6b3873000a0f0a02763112094e616d657370616365121b0a130a03666f6f12001a0022002a0032003800420012001a020a001a002200',
  'hex',
);

// A small encoder, so tests can build the envelopes kubectl could send with other fields set.
function varint(n: number): Buffer {
  const bytes: number[] = [];
  let rest = n;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
function bytesField(num: number, value: Buffer | string): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((num << 3) | 2), varint(data.length), data]);
}
function mapEntry(num: number, key: string, value: string): Buffer {
  return bytesField(num, Buffer.concat([bytesField(1, key), bytesField(2, value)]));
}
function envelope(apiVersion: string, kind: string, raw: Buffer, extra: Buffer = Buffer.alloc(0)): Buffer {
  const typeMeta = Buffer.concat([bytesField(1, apiVersion), bytesField(2, kind)]);
  return Buffer.concat([Buffer.from('k8s\0'), bytesField(1, typeMeta), bytesField(2, raw), extra]);
}

describe('decodeNamespaceCreate', () => {
  it('when kubectl creates namespace foo, then the body decodes to a v1 Namespace named foo', () => {
    expect(decodeNamespaceCreate(KUBECTL_CREATE_NAMESPACE_FOO)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' } });
  });

  it('when the namespace carries labels, annotations and finalizers, then they are decoded', () => {
    const meta = Buffer.concat([
      bytesField(1, 'team-a'),
      mapEntry(11, 'env', 'dev'),
      mapEntry(11, 'tier', 'x'),
      mapEntry(12, 'note', 'hello'),
      bytesField(14, 'example.com/keep'),
      Buffer.from([0x38, 0x96, 0x01]), // generation = 150 (a varint field that is skipped)
    ]);
    const body = envelope('v1', 'Namespace', bytesField(1, meta));
    expect(decodeNamespaceCreate(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a', labels: { env: 'dev', tier: 'x' }, annotations: { note: 'hello' }, finalizers: ['example.com/keep'] },
    });
  });

  it('when the name is generated, then generateName is kept', () => {
    const body = envelope('v1', 'Namespace', bytesField(1, bytesField(2, 'tmp-')));
    expect(decodeNamespaceCreate(body)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'tmp-' } });
  });

  it.each<[string, Buffer, RegExp]>([
    ['the k8s prefix is missing', Buffer.from('{"kind":"Namespace"}'), /k8s\\0 envelope prefix/],
    ['the object is not a Namespace', envelope('v1', 'ConfigMap', Buffer.alloc(0)), /only a v1 Namespace.*got ConfigMap v1/],
    ['the body is cut short', KUBECTL_CREATE_NAMESPACE_FOO.subarray(0, 20), /truncated/],
    ['the raw bytes are compressed', envelope('v1', 'Namespace', Buffer.alloc(0), bytesField(3, 'gzip')), /content encoding gzip/],
  ])('when %s, then a ProtobufDecodeError explains why', (_name, body, message) => {
    expect(() => decodeNamespaceCreate(body)).toThrow(ProtobufDecodeError);
    expect(() => decodeNamespaceCreate(body)).toThrow(message);
  });
});
