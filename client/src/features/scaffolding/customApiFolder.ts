/**
 * What a custom API's folder holds and how it is (re)generated: the solution XML files, the plug-in class
 * (`{ClassName}.cs`, regenerated region by region so hand edits survive) and the `.odata` call (rewritten only
 * while it is exactly what the previous definition generated: once edited, it is the user's and is kept).
 * Pure: takes the folder's current files, returns the files to write.
 */
import type { CustomApi } from './customApiModel';
import { generateODataCall, type ODataCallOptions } from './odataCall';
import { generatePluginClass, pluginClassName, regeneratePluginClass, type PluginClassOptions, type RegionName } from './pluginClass';
import { writeCustomApiFiles, type GeneratedFile } from './solutionXml';

export function pluginClassPath(api: Pick<CustomApi, 'uniquename'>): string {
  return `${pluginClassName(api)}.cs`;
}

export function odataCallPath(api: Pick<CustomApi, 'uniquename'>): string {
  return `${api.uniquename}.odata`;
}

export interface FolderPlan {
  /** Files to write (paths relative to the API folder). */
  files: GeneratedFile[];
  /** Files left as they are, with why. */
  kept: Array<{ path: string; reason: string }>;
  /** Plug-in class regions whose markers are gone: those parts were not updated. */
  missingRegions: RegionName[];
}

/**
 * The files to write for `api`, given the folder's current files (relative paths; empty for a new API) and, when
 * editing, the definition those files held (`previous`).
 */
export function planCustomApiFolder(
  api: CustomApi,
  current: readonly GeneratedFile[],
  options: ODataCallOptions & PluginClassOptions = {},
  previous?: CustomApi,
): FolderPlan {
  const existing = new Map(current.map((f) => [f.path.replace(/\\/g, '/'), f.content]));
  const files = writeCustomApiFiles(api);
  const kept: FolderPlan['kept'] = [];
  let missingRegions: RegionName[] = [];

  const classPath = pluginClassPath(api);
  const classText = existing.get(classPath);
  if (classText === undefined) files.push({ path: classPath, content: generatePluginClass(api, options) });
  else {
    const regenerated = regeneratePluginClass(classText, api);
    missingRegions = regenerated.missingRegions;
    if (regenerated.text !== classText) files.push({ path: classPath, content: regenerated.text });
  }

  const callPath = odataCallPath(api);
  const call = existing.get(callPath);
  const untouched = call !== undefined && previous !== undefined && call === generateODataCall(previous, options);
  if (call === undefined || untouched) files.push({ path: callPath, content: generateODataCall(api, options) });
  else kept.push({ path: callPath, reason: 'it was edited (your edits are kept); delete it to get a new call' });

  return { files: files.filter((f) => existing.get(f.path) !== f.content), kept, missingRegions };
}
