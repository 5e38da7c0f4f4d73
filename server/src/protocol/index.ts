// The client's door to the server (besides the core's public odata/index.ts): every custom LSP message and every
// type both sides share. `import … from '…/server/src/protocol'` resolves here.
export * from './messages';
export * from './environmentSettings';
