// A sample that cannot become a face crop: its image or landmark file unreadable or missing, no face
// found in it, or its landmarks putting the crop off the image. A cache build leaves such a sample out
// with a warning (a dataset of thousands should not stop at one bad file) unless told to be strict;
// alone, it is a one-line error naming the file and the fix.

import { UserError } from '../errors.js';
import type { SkipKind } from './cache/faces.js';

export class UnusableSample extends UserError {
  override name = 'UnusableSample';

  constructor(
    readonly kind: SkipKind,
    /** `<file>: <problem>`, what a warning says. */
    readonly problem: string,
    fix: string,
  ) {
    super(`${problem}; ${fix}`);
  }
}
