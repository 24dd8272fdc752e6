/** A refused push request: an HTTP status, a stable code for programs and a message for people. */
export class PushInputError extends Error {
  override name = 'PushInputError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
