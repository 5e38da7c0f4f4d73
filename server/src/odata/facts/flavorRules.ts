/**
 * What each Dynamics 365 flavour is called and the limits it enforces. The checker, hover and completion read
 * these; a rule that depends on the flavour names its number here rather than writing it in place.
 * (Which query options and operators a flavour supports is with those facts: systemQueryOptions.ts, operators.ts.)
 */
import type { Flavor } from '../diagnosticCodes';

/** Every flavour, in the order the settings and messages list them. */
export const flavors: readonly Flavor[] = ['dataverse', 'fno', 'bc', 'generic'];

/** The flavour's name in messages and hovers. */
export const flavorNames: Readonly<Record<Flavor, string>> = {
  dataverse: 'Dataverse',
  fno: 'Finance & Operations',
  bc: 'Business Central',
  generic: 'A generic OData service',
};

/** Dataverse Web API: the longest URL it accepts (characters, as sent). */
export const dataverseMaxUrlLength = 32768;
/** Dataverse Web API: the longest single path segment it accepts. */
export const dataverseMaxSegmentLength = 260;
/** Dataverse: the largest `Prefer: odata.maxpagesize` it honours, and the most records `$count` counts. */
export const dataverseMaxPageSize = 5000;
