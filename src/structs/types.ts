// The union of values a shared field can hold.

import type { SharedStructInstance } from './struct.js';
import type { SharedArray } from './array.js';
import type { Condition, Mutex } from './sync.js';

/** Any value a shared struct field or SharedArray element can hold (see canBeShared). */
export type Shareable =
  | undefined
  | null
  | boolean
  | number
  | string
  | bigint
  | SharedStructInstance
  | SharedArray<any>
  | Mutex
  | Condition;
