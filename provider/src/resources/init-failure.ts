// A create that made something real and then failed part-way (e.g. bootstrap stopped at a step):
// the engine records the resource with these properties, so the next `pulumi up` updates it (with the
// same generated secrets) instead of starting over. Pulumi's provider server reads `id`, `properties`
// and `reasons` from the thrown error.
export class ResourceInitError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(
    message: string,
    id: string,
    properties: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ResourceInitError";
    this.id = id;
    this.properties = properties;
    this.reasons = [message];
  }
}
