import { UserError } from '../core/util/errors';

/**
 * A dataset reference that cannot be resolved or read (unknown version, not a
 * git repository, file missing in a revision…). One line naming the
 * offending ref; the CLI and the extension show it without a stack.
 */
export class DatasetError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}
