/** Open `.odata` documents, each parsed once per version (STYLE: cache by version). */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { createODataDocument, type ODataDocument } from '../odata/index';

export class ParsedDocuments {
  private readonly cache = new Map<string, { version: number; parsed: ODataDocument }>();

  get(document: TextDocument): ODataDocument {
    const cached = this.cache.get(document.uri);
    if (cached && cached.version === document.version) return cached.parsed;
    const parsed = createODataDocument(document.uri, document.getText());
    this.cache.set(document.uri, { version: document.version, parsed });
    return parsed;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
