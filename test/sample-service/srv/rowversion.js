// Dataverse's `versionnumber` is a rowversion: one counter for the whole database that grows on every write.
// It is the ETag of every record here too (`@odata.etag`).
'use strict';

let last = 0;

module.exports = {
  /** Continues after the generated data's highest version. */
  start(value) {
    last = Math.max(last, value);
  },
  next() {
    return ++last;
  },
};
