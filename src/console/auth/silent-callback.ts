// /silent-callback.html: where the OP sends the hidden iframe of a silent sign-in (prompt=none).
// It only hands the response URL (code or error, state, iss) to the console page that framed it;
// that page checks state, exchanges the code with its PKCE verifier and validates the ID token.
// A page of its own with no imports, so the iframe costs a few hundred bytes, not the SPA.
//
// The message is oidc-client-ts' own (`AbstractChildWindow._notifyParent` in 3.x), which its
// IFrameWindow accepts only from this origin and from the iframe it created. Posted to this origin
// only, so the code never reaches another. Opened outside a frame, the page does nothing.

if (window.parent !== window) {
  window.parent.postMessage({ source: 'oidc-client', url: window.location.href, keepOpen: false }, window.location.origin);
}
