// Types for Comlink's Node adapter, imported by its .mjs path (its .d.ts sits beside it without
// the extension, which TypeScript does not match to the .mjs specifier). A worker_threads Worker
// or MessagePort is the endpoint.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { MessagePort, Worker } from 'node:worker_threads';
  export default function nodeEndpoint(nep: Worker | MessagePort): Endpoint;
}
