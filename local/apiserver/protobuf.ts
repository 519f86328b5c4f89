/**
 * Decodes the one protobuf body kubectl sends to this server: `kubectl create namespace <name>` posts a
 * Namespace as `k8s\0` + runtime.Unknown (Content-Type application/vnd.kubernetes.protobuf). Only the
 * fields a namespace create carries are read; anything else is refused with ProtobufDecodeError.
 */
export class ProtobufDecodeError extends Error {
  override name = 'ProtobufDecodeError';
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

interface Field { number: number; wireType: number; bytes?: Buffer; varint?: bigint }

/** Reads a message into its fields in order; length-delimited values stay raw for the caller to interpret. */
function readFields(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= buf.length) throw new ProtobufDecodeError('truncated varint');
      const byte = buf[pos++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new ProtobufDecodeError('varint too long');
  };
  const skip = (n: number): Buffer => {
    if (pos + n > buf.length) throw new ProtobufDecodeError('truncated field');
    const slice = buf.subarray(pos, pos + n);
    pos += n;
    return slice;
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field: Field = { number: key >>> 3, wireType: key & 7 };
    if (field.wireType === WIRE_VARINT) field.varint = varint();
    else if (field.wireType === WIRE_BYTES) field.bytes = skip(Number(varint()));
    else if (field.wireType === WIRE_FIXED64) skip(8);
    else if (field.wireType === WIRE_FIXED32) skip(4);
    else throw new ProtobufDecodeError(`unsupported wire type ${field.wireType}`);
    fields.push(field);
  }
  return fields;
}

function strings(fields: Field[], number: number): string[] {
  return fields.filter((f) => f.number === number && f.bytes !== undefined).map((f) => (f.bytes as Buffer).toString('utf8'));
}

function message(fields: Field[], number: number): Field[] | undefined {
  const found = fields.filter((f) => f.number === number && f.bytes !== undefined);
  // Repeated occurrences of an embedded message merge; concatenating their bytes is the same merge.
  return found.length === 0 ? undefined : readFields(Buffer.concat(found.map((f) => f.bytes as Buffer)));
}

/** A protobuf map<string,string> is a repeated entry message with key = 1, value = 2. */
function stringMap(fields: Field[], number: number): Record<string, string> | undefined {
  const entries = fields.filter((f) => f.number === number && f.bytes !== undefined);
  if (entries.length === 0) return undefined;
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const inner = readFields(entry.bytes as Buffer);
    map[strings(inner, 1)[0] ?? ''] = strings(inner, 2)[0] ?? '';
  }
  return map;
}

// Field numbers of k8s.io/api/core/v1 ObjectMeta (generated.proto).
const META_NAME = 1;
const META_GENERATE_NAME = 2;
const META_LABELS = 11;
const META_ANNOTATIONS = 12;
const META_FINALIZERS = 14;

function objectMeta(fields: Field[]): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const name = strings(fields, META_NAME)[0];
  const generateName = strings(fields, META_GENERATE_NAME)[0];
  const labels = stringMap(fields, META_LABELS);
  const annotations = stringMap(fields, META_ANNOTATIONS);
  const finalizers = strings(fields, META_FINALIZERS);
  if (name) meta.name = name;
  if (generateName) meta.generateName = generateName;
  if (labels) meta.labels = labels;
  if (annotations) meta.annotations = annotations;
  if (finalizers.length > 0) meta.finalizers = finalizers;
  return meta;
}

/** Turns a kubectl protobuf Namespace create body into the JSON Namespace object it stands for. */
export function decodeNamespaceCreate(body: Buffer): object {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufDecodeError('protobuf body does not start with the k8s\\0 envelope prefix');
  }
  // runtime.Unknown: typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4.
  const unknown = readFields(body.subarray(MAGIC.length));
  const typeMeta = message(unknown, 1) ?? [];
  const apiVersion = strings(typeMeta, 1)[0] ?? '';
  const kind = strings(typeMeta, 2)[0] ?? '';
  if (apiVersion !== 'v1' || kind !== 'Namespace') {
    throw new ProtobufDecodeError(`only a v1 Namespace can be sent as protobuf, got ${kind || '(no kind)'} ${apiVersion || '(no apiVersion)'}`);
  }
  const encoding = strings(unknown, 3)[0] ?? '';
  if (encoding !== '') throw new ProtobufDecodeError(`unsupported protobuf content encoding ${encoding}`);
  // Namespace: metadata = 1 (ObjectMeta); spec and status are empty on create.
  const namespace = message(unknown, 2) ?? [];
  return { apiVersion: 'v1', kind: 'Namespace', metadata: objectMeta(message(namespace, 1) ?? []) };
}
