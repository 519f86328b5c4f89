/** A non-2xx answer (or a watch ERROR event) from the API server; `code` is the HTTP status. */
export class KubeRequestError extends Error {
  override name = 'KubeRequestError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The `message` of a Status body, or the body itself when it is not one. */
export function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: string };
    return status.message ?? body;
  } catch {
    return body;
  }
}
