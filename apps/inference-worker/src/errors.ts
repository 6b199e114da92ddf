/**
 * A failure that retrying cannot fix (bad pixels, an unsupported transfer syntax, a series the model cannot take):
 * the job ends at once and the study shows the reason.
 */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
