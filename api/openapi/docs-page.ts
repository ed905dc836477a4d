/**
 * `/docs`: the OpenAPI document rendered on the server into one HTML page with inline CSS and
 * a few lines of inline script (a filter box). Nothing is loaded from elsewhere, so the page
 * works without internet access, and it needs no package.
 */
type Json = Record<string, unknown>;

const esc = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Backticked words in descriptions become <code>. */
const prose = (text: unknown): string => (text === undefined ? '' : esc(text).replace(/`([^`]+)`/g, '<code>$1</code>'));

/** A one-line summary of a schema's type and constraints, for parameter and field tables. */
function typeOf(schema: Json | undefined): string {
  if (!schema) return '';
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(typeOf).join(' | ');
  const parts = [JSON.stringify(schema.type ?? schema.const ?? 'any').replace(/^"|"$/g, '')];
  if (schema.type === 'array' && schema.items) parts[0] = `${typeOf(schema.items as Json)}[]`;
  if (typeof schema.format === 'string') parts.push(`(${schema.format})`);
  for (const [key, label] of [['minimum', '≥'], ['maximum', '≤'], ['minLength', 'min length'], ['maxLength', 'max length'], ['maxItems', 'max items'], ['default', 'default']] as const) {
    if (schema[key] !== undefined) parts.push(`${label} ${JSON.stringify(schema[key])}`);
  }
  return parts.join(' ');
}

function fieldsTable(schema: Json): string {
  const props = schema.properties as Record<string, Json> | undefined;
  if (!props) return '';
  const required = new Set((schema.required ?? []) as string[]);
  const rows = Object.entries(props).map(
    ([name, prop]) => `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <b>*</b>' : ''}</td><td>${esc(typeOf(prop))}</td><td>${prose(prop.description)}</td></tr>`,
  );
  return `<table><tr><th>field</th><th>type</th><th>description</th></tr>${rows.join('')}</table>`;
}

function schemaBlock(schema: Json | undefined): string {
  if (!schema) return '';
  return `${fieldsTable(schema)}<details><summary>JSON Schema</summary><pre>${esc(JSON.stringify(schema, null, 2))}</pre></details>`;
}

function operation(method: string, path: string, op: Json): string {
  const params = (op.parameters ?? []) as Json[];
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const responses = Object.entries((op.responses ?? {}) as Record<string, Json>);
  const id = esc(op.operationId);
  return `<section class="op" id="${id}" data-text="${esc(`${method} ${path} ${String(op.summary)}`.toLowerCase())}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${prose(op.summary)}${Array.isArray(op.security) && op.security.length === 0 ? ' <span class="tag">no key</span>' : ''}</p>
${op.description ? `<p class="d">${prose(op.description)}</p>` : ''}
${params.length ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>${params
    .map((p) => `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <b>*</b>' : ''}</td><td>${esc(p.in)}</td><td>${esc(typeOf(p.schema as Json))}</td><td>${prose(p.description)}</td></tr>`)
    .join('')}</table>` : ''}
${body ? Object.entries(body).map(([type, media]) => `<h4>Body <code>${esc(type)}</code></h4>${schemaBlock(media.schema as Json)}`).join('') : ''}
<h4>Responses</h4>${responses
    .map(([status, r]) => {
      const content = (r.content ?? {}) as Record<string, Json>;
      const types = Object.keys(content);
      return `<div class="r"><span class="s s${status[0]}">${esc(status)}</span> ${prose(r.description)}${types.length ? ` <code>${esc(types.join(', '))}</code>` : ''}${types.map((t) => schemaBlock(content[t]?.schema as Json)).join('')}</div>`;
    })
    .join('')}
</section>`;
}

export function renderDocsPage(document: Json): string {
  const info = document.info as Json;
  const paths = document.paths as Record<string, Record<string, Json>>;
  const byTag = new Map<string, string[]>();
  const nav = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = ((op.tags as string[] | undefined) ?? ['Other'])[0]!;
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
      nav.set(tag, [...(nav.get(tag) ?? []), `<a href="#${esc(op.operationId)}"><span class="m ${method}">${method.toUpperCase()}</span> ${esc(path)}</a>`]);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)} API reference</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;display:flex;color:#1d2330}nav{width:320px;height:100vh;overflow:auto;position:sticky;top:0;border-right:1px solid #ddd;padding:12px;box-sizing:border-box;font-size:12.5px}
nav a{display:block;color:inherit;text-decoration:none;padding:2px 0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}nav h2{font-size:13px;margin:14px 0 4px}
main{flex:1;padding:16px 28px;max-width:980px}.op{border:1px solid #e2e5ea;border-radius:6px;padding:4px 16px 12px;margin:14px 0}h3{font-size:15px}h4{margin:12px 0 4px;font-size:13px}
.m{display:inline-block;min-width:52px;text-align:center;font:bold 11px monospace;border-radius:3px;padding:2px 4px;color:#fff}.get{background:#2f7dd1}.post{background:#2e9b5f}.delete{background:#c9453a}.put,.patch{background:#b7791f}
table{border-collapse:collapse;width:100%;font-size:12.5px}td,th{border:1px solid #e2e5ea;padding:3px 6px;text-align:left;vertical-align:top}pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
.s{font:bold 12px monospace;padding:1px 5px;border-radius:3px;background:#eee}.s2{background:#d8f0df}.s4{background:#fbe3cf}.s5{background:#f6d4d1}.r{margin:4px 0}.tag{font-size:11px;background:#eef;padding:1px 5px;border-radius:3px}
#q{width:100%;box-sizing:border-box;padding:5px}.d{color:#444}
</style></head><body>
<nav><b>${esc(info.title)} ${esc(info.version)}</b><br><a href="/openapi.json">openapi.json</a><input id="q" placeholder="filter" aria-label="filter operations">
${[...nav].map(([tag, links]) => `<h2>${esc(tag)}</h2>${links.join('')}`).join('')}</nav>
<main><h1>${esc(info.title)} API</h1><p>${prose(info.description)}</p>
<p>Authentication: <code>Authorization: Bearer &lt;key&gt;</code> or <code>X-API-Key: &lt;key&gt;</code> on every route not marked <span class="tag">no key</span>.</p>
${[...byTag].map(([tag, ops]) => `<h2>${esc(tag)}</h2>${ops.join('')}`).join('')}</main>
<script>document.getElementById('q').addEventListener('input',function(e){var q=e.target.value.toLowerCase();document.querySelectorAll('.op').forEach(function(s){s.style.display=s.dataset.text.indexOf(q)<0?'none':''})})</script>
</body></html>`;
}
