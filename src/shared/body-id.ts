import { validationError } from '../errors.js';

// A client may PUT back what it got from GET, id included, but not someone else's id.
export function assertBodyIdMatches(bodyId: number | undefined, urlId: number): void {
  if (bodyId !== undefined && bodyId !== urlId) {
    throw validationError({ id: 'must equal the id in the URL' });
  }
}
