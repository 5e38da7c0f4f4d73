/**
 * VS Code wiring of custom API scaffolding: the commands
 *
 * - `dynamicsOData.newCustomApi`: pick the folder (default `customapis/`), then a new API or one already there;
 *   a new one runs the guided input, an existing one is read back and can gain parameters / properties or change
 *   flags; the files are (re)written keeping hand edits in the plug-in class.
 * - `dynamicsOData.deployCustomApi`: reads an API folder, looks the API up in a Dataverse environment, shows the
 *   requests as a preview document, asks (modal on production) and sends them through the runner.
 * - `dynamicsOData.newBusinessCentralApiPage`: the AL API page and its `.odata` call.
 *
 * Each command takes an optional `ScaffoldingScript` argument (end-to-end tests): answers replace the dialogs.
 * The logic is in the pure modules beside this file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PreparedRequest, RunnerEnvironment, SendOutcome } from '../runner/types';
import { generateBcApiPage, generateBcODataCall, runBcApiPageWizard } from './bcApiPage';
import { planCustomApiFolder } from './customApiFolder';
import { validateCustomApi, type CustomApi } from './customApiModel';
import { deploy, extraInEnvironment, lookupRequest, planDeploy, previewText, readLookup, type DeployReport } from './deploy';
import { resolveAllInside, resolveInside } from './safePaths';
import { CUSTOM_API_FILE, readCustomApiFolder, type GeneratedFile } from './solutionXml';
import { ScriptedPrompter, WizardCancelled, runEditCustomApiWizard, runNewCustomApiWizard, type PickItem, type Prompter, type Rejection, type ScriptedAnswer, type TableChoice, type Validate } from './wizard';

export interface ScaffoldingServices {
  /** Entity set names (or tables) of an environment, from the language server's metadata; [] when unknown. */
  entitySets(environmentName: string): Promise<Array<string | TableChoice>>;
  /** The configured environments. */
  environments(): RunnerEnvironment[];
  /** The runner's sender (adds the token for the environment's own host). */
  send(request: PreparedRequest): Promise<SendOutcome>;
}

/**
 * The scripted-answers argument of the three commands (for end-to-end tests).
 * - `folder`: the target folder, absolute or relative to the first workspace folder (default `customapis`, or
 *   the workspace folder itself for Business Central pages); for deploy, the API's own folder.
 * - `environment`: an environment name, or `''` for none (otherwise asked).
 * - `answers`: the dialog answers in order (a pick's label, an input's text or `true` for its default, a
 *   confirm's boolean, `null` to cancel).
 * - `solution` (deploy): the solution unique name, `''` for none; `confirm` (deploy): answers the confirmation.
 * - `overwrite`: answers "replace the existing files?" (default: no, nothing is overwritten).
 */
export interface ScaffoldingScript {
  folder?: string;
  environment?: string;
  answers?: ScriptedAnswer[];
  solution?: string;
  confirm?: boolean;
  overwrite?: boolean;
}

/** What a command did: the files written (absolute paths), rejected answers, and the deploy report. */
export interface ScaffoldingResult {
  written: string[];
  rejections: Rejection[];
  report?: DeployReport;
  cancelled?: boolean;
}

const NEW_API = '\u0000new';
const NO_ENVIRONMENT = '\u0000none';

/** The VS Code dialogs as a Prompter; a refused answer shows the rule's message and the step asks again. */
class VsCodePrompter implements Prompter {
  async pick<T>(title: string, items: PickItem<T>[], validate?: Validate<T>): Promise<T | undefined> {
    let problem: string | undefined;
    for (;;) {
      const chosen = await vscode.window.showQuickPick(
        items.map((item) => ({ label: item.label, description: item.description, item })),
        { title, placeHolder: problem ?? title, ignoreFocusOut: true },
      );
      if (!chosen) return undefined;
      problem = validate?.(chosen.item.value);
      if (!problem) return chosen.item.value;
      void vscode.window.showWarningMessage(problem);
    }
  }

  input(title: string, options: { value?: string; placeHolder?: string; validate?: Validate<string> }): Promise<string | undefined> {
    return Promise.resolve(
      vscode.window.showInputBox({ title, value: options.value, placeHolder: options.placeHolder, ignoreFocusOut: true, validateInput: options.validate }),
    );
  }

  async confirm(title: string): Promise<boolean | undefined> {
    const chosen = await vscode.window.showQuickPick(['No', 'Yes'], { title, placeHolder: title, ignoreFocusOut: true });
    return chosen === undefined ? undefined : chosen === 'Yes';
  }
}

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('Open a folder first: the files are written into the workspace.');
  return folder.uri;
}

function resolveFolder(folder: string): vscode.Uri {
  return path.isAbsolute(folder) ? vscode.Uri.file(folder) : vscode.Uri.joinPath(workspaceRoot(), folder);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Every file under a folder, with paths relative to it (`/` separators). */
async function readFolder(root: vscode.Uri, relative = ''): Promise<GeneratedFile[]> {
  const out: GeneratedFile[] = [];
  const dir = relative ? vscode.Uri.joinPath(root, relative) : root;
  for (const [name, type] of await vscode.workspace.fs.readDirectory(dir)) {
    const rel = relative ? `${relative}/${name}` : name;
    if (type === vscode.FileType.Directory) out.push(...(await readFolder(root, rel)));
    else if (type === vscode.FileType.File) out.push({ path: rel, content: new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, rel))) });
  }
  return out;
}

/** Asked before existing files with other content are replaced; false keeps them (and writes nothing). */
type ConfirmOverwrite = (paths: string[]) => Promise<boolean>;

/**
 * Writes files under `root`: every path checked first (each name a valid segment, the result inside `root`; nothing
 * is written when one is refused), and existing files with other content replaced only when `confirmOverwrite` agrees
 * (without it, the caller is (re)generating files the user chose to change).
 */
async function writeFiles(root: vscode.Uri, files: readonly GeneratedFile[], confirmOverwrite?: ConfirmOverwrite): Promise<string[]> {
  const checked = resolveAllInside(root.fsPath, files.map((file) => file.path));
  if (!checked.ok) throw new Error(checked.message);
  if (confirmOverwrite) {
    const replaced: string[] = [];
    for (const [index, file] of files.entries()) {
      const uri = vscode.Uri.file(checked.paths[index]!);
      if (!(await exists(uri))) continue;
      const current = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      if (current !== file.content) replaced.push(uri.fsPath);
    }
    if (replaced.length > 0 && !(await confirmOverwrite(replaced))) throw new WizardCancelled();
  }
  const written: string[] = [];
  for (const [index, file] of files.entries()) {
    const uri = vscode.Uri.file(checked.paths[index]!);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(file.content));
    written.push(uri.fsPath);
  }
  return written;
}

/** Custom API folders (those with a customapi.xml) directly under `root`. */
async function customApiFolders(root: vscode.Uri): Promise<string[]> {
  if (!(await exists(root))) return [];
  const names: string[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(root)) {
    if (type === vscode.FileType.Directory && (await exists(vscode.Uri.joinPath(root, name, CUSTOM_API_FILE)))) names.push(name);
  }
  return names.sort();
}

function singular(entitySet: string): string {
  if (entitySet.endsWith('ies')) return `${entitySet.slice(0, -3)}y`;
  if (/(sses|xes|ches|shes)$/.test(entitySet)) return entitySet.slice(0, -2);
  return entitySet.endsWith('s') ? entitySet.slice(0, -1) : entitySet;
}

export function registerScaffolding(context: vscode.ExtensionContext, services: ScaffoldingServices): void {
  const output = vscode.window.createOutputChannel('Dynamics OData: Custom API', { log: true });
  context.subscriptions.push(output);

  const prompterFor = (script?: ScaffoldingScript): Prompter & { rejections?: Rejection[] } =>
    script?.answers ? new ScriptedPrompter(script.answers) : new VsCodePrompter();

  /** "Replace these files?": a modal question, or the script's `overwrite` answer (default no). */
  const confirmOverwrite =
    (script?: ScaffoldingScript): ConfirmOverwrite =>
    async (paths) => {
      const answer = script
        ? script.overwrite === true
        : (await vscode.window.showWarningMessage(
            `${paths.length === 1 ? 'A file already exists' : `${paths.length} files already exist`} and would be replaced: ${paths.map((p) => path.basename(p)).join(', ')}.`,
            { modal: true, detail: paths.join('\n') },
            'Replace',
          )) === 'Replace';
      if (!answer) output.info(`Not written: ${paths.join(', ')} already exist${paths.length === 1 ? 's' : ''} and ${paths.length === 1 ? 'was' : 'were'} not replaced.`);
      return answer;
    };

  async function chooseEnvironment(prompter: Prompter, script: ScaffoldingScript | undefined, filter: (e: RunnerEnvironment) => boolean, optional: boolean): Promise<RunnerEnvironment | undefined> {
    const candidates = services.environments().filter(filter);
    if (script?.environment !== undefined) {
      if (script.environment === '') return undefined;
      const found = candidates.find((e) => e.name === script.environment);
      if (!found) throw new Error(`No environment named '${script.environment}' fits here. Add it in the dynamicsOData.environments setting.`);
      return found;
    }
    if (candidates.length === 0) return undefined;
    const items: PickItem<string>[] = candidates.map((e) => ({ label: e.name, value: e.name, description: `${e.serviceRoot}${e.production ? ' (production)' : ''}` }));
    if (optional) items.push({ label: 'No environment', value: NO_ENVIRONMENT, description: 'type table names yourself' });
    const name = await prompter.pick('Environment', items);
    if (name === undefined) throw new WizardCancelled();
    return candidates.find((e) => e.name === name);
  }

  async function tablesOf(environment: RunnerEnvironment | undefined): Promise<TableChoice[]> {
    if (!environment) return [];
    try {
      const sets = await services.entitySets(environment.name);
      return sets.map((s) => (typeof s === 'string' ? { logicalName: singular(s), entitySet: s } : s)).sort((a, b) => a.logicalName.localeCompare(b.logicalName));
    } catch (error) {
      output.warn(`Could not list the tables of ${environment.name}: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  async function newCustomApi(script?: ScaffoldingScript): Promise<ScaffoldingResult> {
    const prompter = prompterFor(script);
    const root = resolveFolder(script?.folder ?? (await askFolder(prompter)));
    const environment = await chooseEnvironment(prompter, script, (e) => e.flavor === 'dataverse' || e.flavor === 'generic', true);
    const tables = await tablesOf(environment);
    const existingApis = await customApiFolders(root);
    let chosen = NEW_API;
    if (existingApis.length > 0) {
      const pick = await prompter.pick('Custom API', [{ label: 'New custom API…', value: NEW_API }, ...existingApis.map((n) => ({ label: n, value: n, description: 'change it' }))]);
      if (pick === undefined) throw new WizardCancelled();
      chosen = pick;
    }
    let api: CustomApi;
    let previous: CustomApi | undefined;
    let current: GeneratedFile[] = [];
    if (chosen === NEW_API) {
      api = await runNewCustomApiWizard(prompter, { tables });
      const inside = resolveInside(root.fsPath, api.uniquename);
      if (!inside.ok) throw new Error(inside.message);
      const folder = vscode.Uri.joinPath(root, api.uniquename);
      if (await exists(folder)) current = await readFolder(folder);
      if (current.some((f) => f.path === CUSTOM_API_FILE)) throw new Error(`${api.uniquename} already exists in ${root.fsPath}: run the command again and choose it to change it.`);
    } else {
      current = await readFolder(vscode.Uri.joinPath(root, chosen));
      previous = readCustomApiFolder(current);
      api = await runEditCustomApiWizard(prompter, previous, { tables });
    }
    const entitySet = tables.find((t) => t.logicalName === api.boundentitylogicalname)?.entitySet;
    const plan = planCustomApiFolder(api, current, {
      ...(entitySet ? { entitySet } : {}),
      entitySetOf: (logical) => tables.find((t) => t.logicalName === logical)?.entitySet,
      ...(environment ? { environment: environment.name } : {}),
    }, previous);
    // An existing API stays in its folder (even if it was renamed); a new one gets `{uniquename}/`.
    const apiFolder = vscode.Uri.joinPath(root, chosen === NEW_API ? api.uniquename : chosen);
    // A new API's folder may hold files already: they are replaced only when the user agrees.
    const written = await writeFiles(apiFolder, plan.files, chosen === NEW_API ? confirmOverwrite(script) : undefined);
    for (const k of plan.kept) output.info(`${k.path} kept: ${k.reason}.`);
    if (plan.missingRegions.length > 0) {
      void vscode.window.showWarningMessage(
        `The plug-in class lacks the generated region(s) ${plan.missingRegions.join(', ')}: those parts were not updated. Restore the // <generated:…> markers, or delete the class to regenerate it.`,
      );
    }
    output.info(`${api.uniquename}: wrote ${written.length} file(s) in ${apiFolder.fsPath}.`);
    if (!script) {
      const call = written.find((w) => w.endsWith('.odata')) ?? written.find((w) => w.endsWith('.cs'));
      if (call) await vscode.window.showTextDocument(vscode.Uri.file(call), { preview: false });
    }
    return { written, rejections: prompter.rejections ?? [] };
  }

  async function askFolder(prompter: Prompter): Promise<string> {
    const folder = await prompter.input('Folder for custom APIs (relative to the workspace)', {
      value: 'customapis',
      validate: (v) => (v.trim() ? undefined : 'Enter a folder, for example customapis.'),
    });
    if (folder === undefined) throw new WizardCancelled();
    return folder.trim();
  }

  async function apiFolderFrom(arg: unknown, prompter: Prompter): Promise<vscode.Uri> {
    if (arg instanceof vscode.Uri) return (await exists(vscode.Uri.joinPath(arg, CUSTOM_API_FILE))) ? arg : vscode.Uri.joinPath(arg, '..');
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active?.scheme === 'file') {
      for (let dir = vscode.Uri.joinPath(active, '..'), i = 0; i < 4; dir = vscode.Uri.joinPath(dir, '..'), i++) {
        if (await exists(vscode.Uri.joinPath(dir, CUSTOM_API_FILE))) return dir;
      }
    }
    const root = resolveFolder(await askFolder(prompter));
    const names = await customApiFolders(root);
    if (names.length === 0) throw new Error(`No custom API folder (with ${CUSTOM_API_FILE}) in ${root.fsPath}. Create one with "New Dataverse Custom API".`);
    const name = await prompter.pick('Custom API to deploy', names.map((n) => ({ label: n, value: n })));
    if (name === undefined) throw new WizardCancelled();
    return vscode.Uri.joinPath(root, name);
  }

  async function deployCustomApi(arg?: unknown): Promise<ScaffoldingResult> {
    const script = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as ScaffoldingScript) : undefined;
    const prompter = prompterFor(script);
    const folder = script?.folder ? resolveFolder(script.folder) : await apiFolderFrom(arg, prompter);
    const api = readCustomApiFolder(await readFolder(folder));
    const problems = validateCustomApi(api);
    if (problems.length > 0) throw new Error(`${api.uniquename} is not valid: ${problems.map((p) => p.message).join(' ')} Fix the files, then deploy again.`);
    const environment = await chooseEnvironment(prompter, script, (e) => e.flavor === 'dataverse' || e.flavor === 'generic', false);
    if (!environment) throw new Error('No Dataverse environment is configured. Add one to the dynamicsOData.environments setting, then deploy again.');
    const solution = script?.solution ?? (await prompter.input('Solution unique name (optional: adds the API to that unmanaged solution)', { placeHolder: 'ContosoCore' }));
    if (solution === undefined) throw new WizardCancelled();
    const existing = readLookup(await services.send(lookupRequest(api, environment)));
    const requests = planDeploy(api, environment, existing, solution.trim() ? { solutionUniqueName: solution.trim() } : {});
    const extra = existing ? extraInEnvironment(api, existing) : [];
    const preview = await vscode.workspace.openTextDocument({ language: 'odata', content: previewText(requests) });
    await vscode.window.showTextDocument(preview, { preview: true, preserveFocus: Boolean(script) });
    const action = existing ? `update ${api.uniquename} (${requests.length} request(s))` : `create ${api.uniquename}`;
    const note = extra.length ? ` The environment also has ${extra.join(', ')}, which deploy leaves in place.` : '';
    let go: boolean;
    if (script?.confirm !== undefined) go = script.confirm;
    else if (environment.production) {
      go = (await vscode.window.showWarningMessage(`${environment.name} is a production environment. Deploy will ${action}.${note}`, { modal: true }, 'Deploy')) === 'Deploy';
    } else {
      go = (await vscode.window.showInformationMessage(`Deploy will ${action} in ${environment.name}.${note}`, 'Deploy', 'Cancel')) === 'Deploy';
    }
    if (!go) return { written: [], rejections: [], cancelled: true };
    const report = await deploy(requests, services.send);
    for (const step of report.steps) (step.ok ? output.info : output.error).call(output, step.message);
    if (report.ok) void vscode.window.showInformationMessage(`${api.uniquename} deployed to ${environment.name}.`);
    else void vscode.window.showErrorMessage(report.steps[report.steps.length - 1]?.message ?? 'Deploy failed.');
    return { written: [], rejections: [], report };
  }

  async function newBusinessCentralApiPage(script?: ScaffoldingScript): Promise<ScaffoldingResult> {
    const prompter = prompterFor(script);
    const root = script?.folder ? resolveFolder(script.folder) : workspaceRoot();
    const environment = await chooseEnvironment(prompter, script, (e) => e.flavor === 'bc', true);
    const page = await runBcApiPageWizard(prompter);
    const base = page.name.replace(/[^A-Za-z0-9]/g, '');
    const written = await writeFiles(
      root,
      [
        { path: `${base}.Page.al`, content: generateBcApiPage(page) },
        { path: `${page.entitySetName}.odata`, content: generateBcODataCall(page, environment ? { serviceRoot: environment.serviceRoot, environment: environment.name } : {}) },
      ],
      confirmOverwrite(script),
    );
    if (!script) await vscode.window.showTextDocument(vscode.Uri.file(written[0]!), { preview: false });
    return { written, rejections: prompter.rejections ?? [] };
  }

  /** Runs a command; a cancel is quiet, any other error is shown with what to do. */
  const guarded =
    <A extends unknown[]>(run: (...args: A) => Promise<ScaffoldingResult>) =>
    async (...args: A): Promise<ScaffoldingResult | undefined> => {
      try {
        return await run(...args);
      } catch (error) {
        if (error instanceof WizardCancelled) return { written: [], rejections: [], cancelled: true };
        const message = error instanceof Error ? error.message : String(error);
        output.error(message);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    };

  context.subscriptions.push(
    vscode.commands.registerCommand('dynamicsOData.newCustomApi', guarded((script?: ScaffoldingScript) => newCustomApi(script))),
    vscode.commands.registerCommand('dynamicsOData.deployCustomApi', guarded((arg?: unknown) => deployCustomApi(arg))),
    vscode.commands.registerCommand('dynamicsOData.newBusinessCentralApiPage', guarded((script?: ScaffoldingScript) => newBusinessCentralApiPage(script))),
  );
}
