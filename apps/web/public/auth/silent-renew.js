// Silent renew landing page (iframe): hands the authorization response URL back to the portal's oidc-client-ts
// UserManager, exactly as its signinSilentCallback() does (IFrameWindow.notifyParent, oidc-client-ts 3.x), without
// shipping the library here. A separate file because the API's Content-Security-Policy allows no inline scripts.
// The portal normally renews with the refresh token (offline_access); this page serves issuers that issue none.
(function () {
  var target = window.parent !== window ? window.parent : window.opener;
  if (target) target.postMessage({ source: 'oidc-client', url: window.location.href, keepOpen: false }, window.location.origin);
})();
