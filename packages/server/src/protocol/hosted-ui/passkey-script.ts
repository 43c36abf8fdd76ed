/**
 * The passkey pages' only script (pages/passwordless-views.ts: signing in; pages/passwordless-add.ts:
 * `/passkeys/add`), inline and constant, so the page's CSP
 * allows exactly this text by its hash (security.ts `pageHeaders`) and nothing else runs. It fetches
 * nothing: the WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS are in the page
 * (`#passkey-options`'s `data-options`), and the assertion travels back in the page's own form, as
 * its `credential` field (AuthenticationResponseJSON), with the CSRF token and the sealed Session.
 *
 * With `data-mode="create"` (registration) it calls `navigator.credentials.create` with the
 * CredentialCreationOptions instead and posts the RegistrationResponseJSON the same way.
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
    var create = holder.getAttribute('data-mode') === 'create';
    var list = function (cs) { return (cs || []).map(function (c) { return { type: c.type, id: bytes(c.id), transports: c.transports }; }); };
    var publicKey = create
      ? { challenge: bytes(o.challenge), rp: o.rp, user: { id: bytes(o.user.id), name: o.user.name, displayName: o.user.displayName },
          pubKeyCredParams: o.pubKeyCredParams, timeout: o.timeout, excludeCredentials: list(o.excludeCredentials),
          authenticatorSelection: o.authenticatorSelection, attestation: o.attestation }
      : { challenge: bytes(o.challenge), rpId: o.rpId, timeout: o.timeout, userVerification: o.userVerification, allowCredentials: list(o.allowCredentials) };
    status.textContent = '';
    (create ? navigator.credentials.create({ publicKey: publicKey }) : navigator.credentials.get({ publicKey: publicKey })).then(function (c) {
      var r = c.response;
      var json = { id: c.id, rawId: text(c.rawId), type: c.type, clientExtensionResults: c.getClientExtensionResults(), response: { clientDataJSON: text(r.clientDataJSON) } };
      if (create) {
        json.response.attestationObject = text(r.attestationObject);
        if (r.getTransports) json.response.transports = r.getTransports();
      } else {
        json.response.authenticatorData = text(r.authenticatorData);
        json.response.signature = text(r.signature);
        if (r.userHandle) json.response.userHandle = text(r.userHandle);
      }
      if (c.authenticatorAttachment) json.authenticatorAttachment = c.authenticatorAttachment;
      form.elements.credential.value = JSON.stringify(json);
      form.submit();
    }, function () {
      status.textContent = status.getAttribute('data-failed');
    });
  });
})();`;
