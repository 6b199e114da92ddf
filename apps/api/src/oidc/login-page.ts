const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c] ?? c);
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#0f172a;color:#e2e8f0;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}
main{background:#1e293b;padding:2rem 2.5rem;border-radius:12px;width:340px;box-shadow:0 10px 30px #0008}
h1{font-size:1.4rem;margin:0 0 .25rem}p.sub{color:#94a3b8;margin:0 0 1.5rem;font-size:.9rem}
label{display:block;font-size:.85rem;margin:.75rem 0 .25rem}input{width:100%;box-sizing:border-box;padding:.6rem;border-radius:6px;border:1px solid #475569;background:#0f172a;color:#e2e8f0}
button{margin-top:1.25rem;width:100%;padding:.7rem;border:0;border-radius:6px;background:#38bdf8;color:#0f172a;font-weight:600;cursor:pointer}
.error{background:#7f1d1d;color:#fecaca;padding:.5rem .75rem;border-radius:6px;font-size:.85rem}
.note{margin-top:1.25rem;font-size:.75rem;color:#94a3b8}a{color:#7dd3fc}`;

/** The built-in provider's sign-in page. */
export function loginPage(opts: { uid: string; email?: string; error?: string; clientName: string }): string {
  const error = opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in · Cruciate</title><style>${STYLE}</style></head><body><main>
<h1>Cruciate</h1><p class="sub">Sign in to ${escapeHtml(opts.clientName)}</p>${error}
<form method="post" action="/oidc/interaction/${encodeURIComponent(opts.uid)}/login" autocomplete="on">
<label for="email">Email</label><input id="email" name="email" type="email" required autofocus value="${escapeHtml(opts.email ?? '')}">
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form>
<p class="note"><a href="/oidc/interaction/${encodeURIComponent(opts.uid)}/abort">Cancel</a> · Built-in identity provider for local and demo use.</p>
</main></body></html>`;
}

export function errorPage(title: string, detail: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Cruciate</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p class="error">${escapeHtml(detail)}</p></main></body></html>`;
}
