/**
 * Dataverse query functions (`Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)`): the
 * model declares them, so the facts here are only how to recognise one and how completion writes a call.
 */
import type { Operation } from '../csdl/model';

/** The namespace of Dataverse's own types and functions. */
export const dataverseNamespace = 'Microsoft.Dynamics.CRM';

/** A query function is an unbound function whose first use is in `$filter`: it names the column in `PropertyName`. */
export function isDataverseQueryFunction(operation: Operation): boolean {
  return operation.kind === 'Function' && !operation.isBound && operation.parameters.some((p) => p.name === 'PropertyName');
}

/** The snippet completion inserts: `Ns.LastXDays(PropertyName='${1}',PropertyValue=${2})`. */
export function queryFunctionSnippet(operation: Operation): string {
  const parameters = operation.parameters.map((p, i) => `${p.name}=${p.name === 'PropertyName' ? `'\${${i + 1}}'` : `\${${i + 1}}`}`);
  return `${operation.fullName}(${parameters.join(',')})`;
}
