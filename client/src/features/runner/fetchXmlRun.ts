/**
 * Running a `.fetchxml` file: a CodeLens "Run" / "Run on…" above its `<fetch>`, and the commands behind them. The
 * query goes through the runner's own `run` (results panel, history, export) as `GET {entityset}?fetchXml=…`; the
 * entity set comes from the `<entity name>` logical name through the language server's metadata. Paging with the
 * cookie and the `$batch` for long queries are in http/fetchXmlPaging.ts.
 *
 * The environment: a `<!-- @environment = name -->` comment before `<fetch>`, else the default environment, as
 * for `.odata` files. Selectors: the `fetchxml` language and, until a language is registered for them, the
 * `*.fetchxml` file pattern.
 */
import * as vscode from 'vscode';
import type { EnvironmentChoice } from './environmentFor';
import { fetchXmlEnvironment } from '../../../../server/src/odata/index';
import { entityNameOf, fetchXmlRequest, rootStartTag } from './http/fetchXmlPaging';
import type { PreparedRequest, RunnerEnvironment } from './types';

/** The entity set of a logical name in an environment's metadata; undefined when the metadata has none. */
export type EntitySetResolver = (environment: string, logicalName: string) => Promise<string | undefined>;

interface FetchXmlRunDependencies {
  run(request: PreparedRequest): Promise<{ title: string }>;
  /** The language server's metadata first, then the environment's EntityDefinitions. */
  entitySetFor(environment: RunnerEnvironment, logicalName: string): Promise<string | undefined>;
  environmentFor(override: string | undefined): EnvironmentChoice;
  pickEnvironment(): Promise<string | undefined>;
}

interface FetchXmlTarget {
  uri?: string;
  environment?: string;
}

const SELECTOR: vscode.DocumentSelector = [{ language: 'fetchxml' }, { pattern: '**/*.fetchxml' }];
class FetchXmlCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const text = document.getText();
    const root = rootStartTag(text);
    const at = document.positionAt(root?.start ?? Math.max(0, text.indexOf('<fetch')));
    const range = new vscode.Range(at, at);
    const uri = document.uri.toString();
    return [
      new vscode.CodeLens(range, { title: '$(play) Run', command: 'dynamicsOData.runFetchXml', arguments: [{ uri }] }),
      new vscode.CodeLens(range, { title: 'Run on…', command: 'dynamicsOData.runFetchXmlOn', arguments: [{ uri }] }),
    ];
  }
}

export function registerFetchXmlRun(context: vscode.ExtensionContext, deps: FetchXmlRunDependencies): void {
  const runFile = async (target: FetchXmlTarget | undefined): Promise<unknown> => {
    const document = target?.uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri)) : vscode.window.activeTextEditor?.document;
    if (!document) {
      void vscode.window.showWarningMessage('Open a .fetchxml file to run it.');
      return undefined;
    }
    const text = document.getText();
    const title = document.uri.path.split('/').pop() ?? 'FetchXML';
    const fail = (message: string): { title: string; failure: string; message: string } => {
      void vscode.window.showErrorMessage(message);
      return { title, failure: 'invalidRequest', message };
    };
    const logicalName = entityNameOf(text);
    if (!rootStartTag(text) || !logicalName) return fail(`${title} is not a FetchXML query with <fetch><entity name="…">: fix the XML and run it again.`);
    const choice = deps.environmentFor(target?.environment ?? fetchXmlEnvironment(text)?.name);
    if (!choice.ok) return fail(choice.message);
    if (choice.environment.flavor !== 'dataverse' && choice.environment.flavor !== 'generic') {
      return fail(`FetchXML is Dataverse's query language; "${choice.environment.name}" is not a Dataverse environment.`);
    }
    const entitySet = await deps.entitySetFor(choice.environment, logicalName);
    if (!entitySet) {
      return fail(`Neither the metadata nor the EntityDefinitions of "${choice.environment.name}" have an entity set for the entity "${logicalName}": check <entity name> (a table's logical name), or refresh the environment's metadata.`);
    }
    return deps.run(fetchXmlRequest(text, choice.environment, entitySet, title));
  };

  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(SELECTOR, new FetchXmlCodeLensProvider()),
    vscode.commands.registerCommand('dynamicsOData.runFetchXml', (target?: FetchXmlTarget) => runFile(target)),
    vscode.commands.registerCommand('dynamicsOData.runFetchXmlOn', async (target?: FetchXmlTarget) => {
      const environment = target?.environment ?? (await deps.pickEnvironment());
      return environment ? runFile({ ...target, environment }) : undefined;
    }),
  );
}
