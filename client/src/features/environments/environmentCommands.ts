/**
 * Commands that change the configured environments: switch the active one (also from the status bar), edit,
 * rename and remove. Each edit is made in the settings scope where the environment lives (user or workspace);
 * a rename moves the downloaded metadata and offers to rewrite `@environment` lines in the workspace's `.odata`
 * files; a remove asks first and deletes the downloaded metadata and the sign-in of that environment.
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import * as vscode from 'vscode';
import { defaultEnvironment, whileMarkingProduction } from './configuration';
import { FLAVORS, type FlavorName } from '../../../../server/src/protocol';
import { detectEnvironment } from './detectEnvironment';
import { nameProblem, removeEnvironment, renameEnvironment, renameInRequestFile, updateEnvironment, type EditResult, type StoredEnvironment } from './environmentEdits';
import { environmentNameFrom, environmentScope, environmentSettings, metadataStore, type EnvironmentSetting } from './environmentSettings';

type Scope = { target: vscode.ConfigurationTarget; list: StoredEnvironment[] };

const scopeOf = (name: string): Scope | undefined => environmentScope<StoredEnvironment>(name);

async function write(scope: Scope, result: EditResult<StoredEnvironment>): Promise<boolean> {
  if (!result.ok) {
    void vscode.window.showErrorMessage(result.message);
    return false;
  }
  await vscode.workspace.getConfiguration('dynamicsOData').update('environments', result.environments, scope.target);
  return true;
}


async function pick(argument: unknown, title: string): Promise<EnvironmentSetting | undefined> {
  const environments = environmentSettings();
  const name = environmentNameFrom(argument) ?? (await vscode.window.showQuickPick(environments.map((env) => ({ label: env.name, description: env.url })), { title }))?.label;
  if (name === undefined) return undefined;
  const env = environments.find((candidate) => candidate.name === name);
  if (!env) void vscode.window.showErrorMessage(`No environment named '${name}' is configured.`);
  return env;
}

/** When `from` is the default environment, the default becomes `to` (or none), in the scope that set it. */
async function replaceDefault(from: string, to: string | undefined): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('dynamicsOData');
  if (defaultEnvironment() !== from) return;
  const inspected = configuration.inspect<string>('defaultEnvironment');
  const where = inspected?.workspaceValue === from ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await configuration.update('defaultEnvironment', to, where);
}

async function signOutQuietly(name: string, output: vscode.LogOutputChannel): Promise<void> {
  const commands = await vscode.commands.getCommands(true);
  if (!commands.includes('dynamicsOData.signOut')) return;
  try {
    await vscode.commands.executeCommand('dynamicsOData.signOut', name);
  } catch (error) {
    output.warn(`Signing out of '${name}' failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface EnvironmentEditArgs {
  url?: string;
  flavor?: FlavorName;
  production?: boolean;
  metadataFile?: string | null;
}

export function registerEnvironmentCommands(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  const switchEnvironment = async (argument?: unknown): Promise<string | undefined> => {
    const environments = environmentSettings();
    const current = defaultEnvironment();
    let name = environmentNameFrom(argument);
    if (name === undefined) {
      const items: Array<vscode.QuickPickItem & { name?: string }> = environments.map((env) => ({
        label: `${env.name === current ? '$(check) ' : ''}${env.name}`,
        description: env.url,
        detail: [env.flavor, env.production ? 'production' : undefined].filter(Boolean).join(' · ') || undefined,
        name: env.name,
      }));
      items.push({ label: '$(add) Add Environment…' });
      const picked = await vscode.window.showQuickPick(items, { title: 'The environment for .odata files without an @environment line' });
      if (!picked) return undefined;
      if (!picked.name) {
        await vscode.commands.executeCommand('dynamicsOData.addEnvironment');
        return undefined;
      }
      name = picked.name;
    }
    if (!environments.some((env) => env.name === name)) {
      void vscode.window.showErrorMessage(`No environment named '${name}' is configured.`);
      return undefined;
    }
    const target = (vscode.workspace.workspaceFolders?.length ?? 0) > 0 ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('dynamicsOData').update('defaultEnvironment', name, target);
    return name;
  };

  const rewriteRequestFiles = async (from: string, to: string): Promise<number> => {
    const files = await vscode.workspace.findFiles('**/*.odata', '**/node_modules/**', 2000);
    const edit = new vscode.WorkspaceEdit();
    let changed = 0;
    for (const uri of files) {
      const document = await vscode.workspace.openTextDocument(uri);
      const text = document.getText();
      const next = renameInRequestFile(text, from, to);
      if (next === undefined) continue;
      edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(text.length)), next);
      changed += 1;
    }
    if (changed > 0) await vscode.workspace.applyEdit(edit);
    return changed;
  };

  const renameCommand = async (argument?: unknown, newName?: string, rewrite?: boolean): Promise<string | undefined> => {
    const env = await pick(argument, 'Rename which environment?');
    if (!env) return undefined;
    const scope = scopeOf(env.name);
    if (!scope) return undefined;
    const others = environmentSettings().map((e) => e.name).filter((n) => n !== env.name);
    const to =
      newName ??
      (await vscode.window.showInputBox({ title: `Rename '${env.name}'`, value: env.name, validateInput: (text) => (text.trim() === env.name ? undefined : nameProblem(text, others)) }));
    if (to === undefined || to.trim() === env.name) return undefined;
    const target = to.trim();
    // The sign-in is stored under the environment's name: sign out first rather than leave tokens nobody can reach.
    await signOutQuietly(env.name, output);
    // Move the downloaded metadata first: the settings change makes the server look for it under the new name.
    const store = metadataStore();
    if (store && existsSync(store.folder(env.name)) && !existsSync(store.folder(target))) {
      await rename(store.folder(env.name), store.folder(target));
    }
    if (!(await write(scope, renameEnvironment(scope.list, env.name, target, environmentSettings().map((e) => e.name))))) return undefined;
    await replaceDefault(env.name, target);
    let doRewrite = rewrite;
    if (doRewrite === undefined) {
      const answer = await vscode.window.showInformationMessage(
        `Renamed '${env.name}' to '${target}'. Rewrite "@environment = ${env.name}" lines in this workspace's .odata files too?`,
        'Rewrite',
        'Leave them',
      );
      doRewrite = answer === 'Rewrite';
    }
    if (doRewrite) {
      const changed = await rewriteRequestFiles(env.name, target);
      output.info(`Renamed '${env.name}' to '${target}'; rewrote @environment in ${changed} file(s).`);
    } else {
      output.info(`Renamed '${env.name}' to '${target}'.`);
    }
    return target;
  };

  const removeCommand = async (argument?: unknown, confirmed?: boolean): Promise<boolean> => {
    const env = await pick(argument, 'Remove which environment?');
    if (!env) return false;
    const scope = scopeOf(env.name);
    if (!scope) return false;
    if (!confirmed) {
      const answer = await vscode.window.showWarningMessage(
        `Remove the environment '${env.name}'?`,
        { modal: true, detail: `${env.url}\nIts settings entry, its downloaded metadata and its sign-in are removed. .odata files are not changed.` },
        'Remove',
      );
      if (answer !== 'Remove') return false;
    }
    // Sign out while the environment is still known (the sign-in commands find it by name in settings).
    await signOutQuietly(env.name, output);
    if (!(await write(scope, removeEnvironment(scope.list, env.name)))) return false;
    const store = metadataStore();
    if (store) await rm(store.folder(env.name), { recursive: true, force: true });
    await replaceDefault(env.name, undefined);
    output.info(`Removed the environment '${env.name}'.`);
    return true;
  };

  const editCommand = async (argument?: unknown, changes?: EnvironmentEditArgs): Promise<boolean> => {
    const env = await pick(argument, 'Edit which environment?');
    if (!env) return false;
    const scope = scopeOf(env.name);
    if (!scope) return false;
    let next: Record<string, unknown> | undefined = changes ? { ...changes } : undefined;
    if (!next) {
      const field = await vscode.window.showQuickPick(
        [
          { label: 'URL', description: env.url, field: 'url' },
          { label: 'Flavour', description: env.flavor, field: 'flavor' },
          { label: env.production ? 'Unmark as production' : 'Mark as production', description: env.production ? 'production' : 'not production', field: 'production' },
          { label: 'Metadata file', description: env.metadataFile ?? '(downloaded)', field: 'metadataFile' },
          { label: 'Sign-in…', description: 'method, tenant, client id, cloud', field: 'auth' },
        ],
        { title: `Edit '${env.name}'` },
      );
      if (!field) return false;
      if (field.field === 'auth') {
        await vscode.commands.executeCommand('dynamicsOData.configureSignIn', env.name);
        return true;
      }
      if (field.field === 'url') {
        const url = await vscode.window.showInputBox({
          title: `Service root of '${env.name}'`,
          value: env.url,
          validateInput: (text) => {
            const detected = detectEnvironment(text);
            return detected.ok ? undefined : detected.error;
          },
        });
        if (url === undefined) return false;
        next = { url };
      } else if (field.field === 'flavor') {
        const flavor = await vscode.window.showQuickPick([...FLAVORS], { title: `Flavour of '${env.name}'` });
        if (!flavor) return false;
        next = { flavor };
      } else if (field.field === 'production') {
        next = { production: env.production ? undefined : true };
      } else {
        const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'OData metadata': ['xml', 'edmx'] }, title: 'A saved $metadata document (cancel to download instead)' });
        next = { metadataFile: files?.[0]?.fsPath ?? null };
      }
    }
    if (typeof next.url === 'string') {
      const detected = detectEnvironment(next.url);
      if (!detected.ok) {
        void vscode.window.showErrorMessage(detected.error);
        return false;
      }
      next.url = detected.serviceRoot;
    }
    if (next.metadataFile === null) next.metadataFile = undefined;
    if (next.production === false) next.production = undefined;
    const writeEdit = (): Promise<boolean> => write(scope, updateEnvironment(scope.list, env.name, next as Partial<StoredEnvironment>));
    const ok = next.production === true ? await whileMarkingProduction(env.name, writeEdit) : await writeEdit();
    if (ok) output.info(`Updated the environment '${env.name}': ${Object.keys(next).join(', ')}.`);
    return ok;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('dynamicsOData.switchEnvironment', switchEnvironment),
    vscode.commands.registerCommand('dynamicsOData.renameEnvironment', renameCommand),
    vscode.commands.registerCommand('dynamicsOData.removeEnvironment', removeCommand),
    vscode.commands.registerCommand('dynamicsOData.editEnvironment', editCommand),
  );
}
