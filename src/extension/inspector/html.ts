// The inspector webview's page: a static template. Certificate data never goes into this HTML; it is sent
// as JSON (postMessage) and rendered with textContent by dist/webview/inspector.js.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A fresh CSP nonce: 128 random bits from the OS CSPRNG. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The Content-Security-Policy of the inspector: nothing but our own stylesheets (the inspector's and the codicons'),
 * the codicon font, images and the nonce'd script. No 'unsafe-inline' anywhere.
 */
function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** Folders the webview may load from: the bundled app and the codicons (dist/webview), the stylesheet (media). */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function inspectorHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'inspector.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'inspector.css'));
  // @vscode/codicons, copied next to the app by esbuild.js: the stylesheet loads codicon.ttf relative to itself.
  const codicons = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'codicon.css'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codicons.toString()}">
<link rel="stylesheet" href="${style.toString()}">
<title>TLS Workbench Inspector</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">Decoding…</p></main>
<div id="status" class="visually-hidden" role="status" aria-live="polite"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
