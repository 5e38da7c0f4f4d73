/**
 * Every `dynamicsOData.*` setting and what a change of it needs (read by configuration.ts; a unit test holds this
 * table to package.json). No `vscode` here.
 */
/** What a settings change may require; the listeners of each part act on theirs. */
export type SettingEffect = 'sendToServer' | 'downloadMetadata' | 'refreshSignIn' | 'redraw' | 'runner' | 'restartServer';

/**
 * Each setting and what its change needs. None restarts the language server: the server gets the environments by
 * `odata/setEnvironments` and reloads what changed (a new metadata file, new variables) itself.
 */
export const SETTING_EFFECTS: Readonly<Record<string, readonly SettingEffect[]>> = {
  'dynamicsOData.environments': ['sendToServer', 'downloadMetadata', 'refreshSignIn', 'redraw'],
  'dynamicsOData.defaultEnvironment': ['sendToServer', 'redraw', 'runner'],
  'dynamicsOData.trustedAuthorityHosts': ['refreshSignIn'],
  'dynamicsOData.runner.timeoutSeconds': ['runner'],
  'dynamicsOData.runner.maxResponseMB': ['runner'],
  'dynamicsOData.results.reusePanel': ['runner'],
  'dynamicsOData.runner.csvNeutralizeFormulas': ['runner'],
  'dynamicsOData.checkAgainst': ['sendToServer'],
};
