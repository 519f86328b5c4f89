/** The request is not an event this function can act on; retrying cannot help (HTTP 400). */
export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}
