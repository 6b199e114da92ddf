/** Base of every module's error: a machine-readable code plus a message safe to show to the caller. */
export abstract class DomainError<C extends string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    /** Where in the input the problem is (GraphQL argument path), for validation errors. */
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
