/**
 * The passkey page's only script (pages/passwordless.ts), inline and constant, so the page's CSP
 * allows exactly this text by its hash (security.ts `pageHeaders`) and nothing else runs. It fetches
 * nothing: the WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS are in the page
 * (`#passkey-options`'s `data-options`), and the assertion travels back in the page's own form, as
 * its `credential` field (AuthenticationResponseJSON), with the CSRF token and the sealed Session.
 *
 * On the form's submit it calls `navigator.credentials.get` (the browser binds the assertion to this
 * page's origin and the options' RP ID: the pool's domain, as the API checks), fills the field and
 * submits; if the browser refuses or the person cancels, it says so in `#passkey-status` and the
 * form stays. Without JavaScript the form posts an empty credential and the page asks again.
 */
export const PASSKEY_SCRIPT = `(function () {
  'use strict';
  var holder = document.getElementById('passkey-options');
  var status = document.getElementById('passkey-status');
  var form = holder && holder.closest('form');
  if (!form || !holder || !status) return;
  function bytes(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }
  function text(buf) {
    var u = new Uint8Array(buf), s = '';
    for (var i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
    return btoa(s).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  }
  form.addEventListener('submit', function (event) {
    if (form.elements.credential.value) return;
    event.preventDefault();
    if (!window.PublicKeyCredential || !navigator.credentials) { status.textContent = status.getAttribute('data-unsupported'); return; }
    var o = JSON.parse(holder.getAttribute('data-options'));
    var publicKey = { challenge: bytes(o.challenge), rpId: o.rpId, timeout: o.timeout, userVerification: o.userVerification,
      allowCredentials: (o.allowCredentials || []).map(function (c) { return { type: c.type, id: bytes(c.id), transports: c.transports }; }) };
    status.textContent = '';
    navigator.credentials.get({ publicKey: publicKey }).then(function (c) {
      var r = c.response;
      var json = { id: c.id, rawId: text(c.rawId), type: c.type, clientExtensionResults: c.getClientExtensionResults(),
        response: { clientDataJSON: text(r.clientDataJSON), authenticatorData: text(r.authenticatorData), signature: text(r.signature) } };
      if (c.authenticatorAttachment) json.authenticatorAttachment = c.authenticatorAttachment;
      if (r.userHandle) json.response.userHandle = text(r.userHandle);
      form.elements.credential.value = JSON.stringify(json);
      form.submit();
    }, function () {
      status.textContent = status.getAttribute('data-failed');
    });
  });
})();`;
