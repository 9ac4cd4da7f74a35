import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Content-Security-Policy of the built app: everything from our own origin, no inline scripts;
// 'wasm-unsafe-eval' compiles the tfjs wasm backend, blob: workers are what zip/gzip libraries
// may spawn, data:/blob: images are canvas exports. README, Security.
const CSP_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];
/** Header only: a <meta> policy cannot say frame-ancestors. */
export const CSP = [...CSP_DIRECTIVES, "frame-ancestors 'none'"].join('; ');
const withBlobScripts = (policy: string) => policy.replace("script-src 'self'", "script-src 'self' blob:");
/**
 * Worker scripts (Sec-Fetch-Dest: worker) get the same policy plus blob: scripts: the wasm
 * backend's pthread workers are blob: workers that importScripts a blob: (tfjs builds both from
 * text; src/backends/wasmThreads.ts). Pages keep the policy above; a <meta> policy never applies
 * to workers, so static hosts that send no headers need nothing.
 */
export const WORKER_CSP = withBlobScripts(CSP);
/**
 * `vite` (dev) serves React's refresh preamble as an inline script, its CSS as inline styles and
 * talks to its HMR websocket: the dev policy allows those three and nothing else beyond the built one.
 */
const DEV_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
  .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
  .replace("connect-src 'self'", "connect-src 'self' ws: wss:");

/** COOP/COEP and the CSP (with blob: scripts for worker scripts) on every response of `vite` (DEV_CSP) and `vite preview` (CSP). */
function securityHeaders(): Plugin {
  const middleware = (pageCsp: string) => (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
    res.setHeader('Content-Security-Policy', req.headers['sec-fetch-dest'] === 'worker' ? withBlobScripts(pageCsp) : pageCsp);
    next();
  };
  return {
    name: 'security-headers',
    configureServer: (server) => void server.middlewares.use(middleware(DEV_CSP)),
    configurePreviewServer: (server) => void server.middlewares.use(middleware(CSP)),
  };
}

/** The built pages also carry the policy as a <meta> tag, for static hosts that send no headers. */
function cspMetaTag(): Plugin {
  return {
    name: 'csp-meta-tag',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_DIRECTIVES.join('; ') }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), cspMetaTag(), securityHeaders()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // Second page: the training-step benchmark (bench/bench.ts drives it in headless Chromium).
    rollupOptions: { input: { main: resolve(import.meta.dirname, 'index.html'), bench: resolve(import.meta.dirname, 'bench.html') } },
  },
});
