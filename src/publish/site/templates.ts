/*
 * The front page and its text twin, as Mustache templates over a SiteView (view.ts). {{x}} is
 * HTML-escaped by Mustache; the README is rendered with escaping off, as plain text. The page
 * runs no script (its Content-Security-Policy allows none) and needs no other file.
 */

export const PAGE_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="color-scheme" content="light dark">
<title>{{title}}: Alpine Linux packages</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; padding: 1rem; max-width: 62rem; }
  h1 { font-size: 1.6rem; margin: 0.5rem 0; }
  h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #8884; }
  h3 { font-size: 1.1rem; }
  /* Long commands wrap rather than scroll; copying still gives one line each. */
  pre { background: #8881; padding: 0.6rem 0.8rem; white-space: pre-wrap; overflow-wrap: anywhere; border-radius: 4px; }
  code, .sha { font-family: ui-monospace, monospace; font-size: 0.9em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 0.35rem 0.5rem 0.35rem 0; vertical-align: top; border-bottom: 1px solid #8883; }
  .sha { overflow-wrap: anywhere; font-size: 0.8em; }
  .description { display: block; font-size: 0.9em; opacity: 0.8; }
  .version, time { white-space: nowrap; }
  .muted { opacity: 0.75; font-size: 0.9em; }
  @media (max-width: 40rem) {
    thead { display: none; }
    table, tbody, tr, td { display: block; }
    tr { padding: 0.5rem 0; border-bottom: 1px solid #8884; }
    td { border: 0; padding: 0.1rem 0; }
    td[data-label]::before { content: attr(data-label) ": "; opacity: 0.7; }
  }
</style>
</head>
<body>
<header>
<h1>{{title}}</h1>
<p>Signed Alpine Linux packages: {{packageCount}} in all{{#updated}}, the newest built <time datetime="{{iso}}">{{text}}</time>{{/updated}}.
Also as text: <a href="README.md">README.md</a>.</p>
</header>
<nav>
<ul>
{{#stacks}}
<li><a href="#{{id}}">{{label}}</a></li>
{{/stacks}}
</ul>
</nav>
<main>
<section id="trust">
<h2>Trust the signing key</h2>
<p>Once per host, as root:</p>
{{#keys}}
<pre><code class="trust">{{command}}</code></pre>
{{/keys}}
</section>
{{#stacks}}
<section id="{{id}}">
<h2>{{label}}</h2>
{{#repositories}}
<p>Add the repository <code>{{url}}</code> and install:</p>
<pre><code class="add">{{commandBlock}}</code></pre>
{{#architectures}}
<h3>{{arch}} <span class="muted">(<a href="{{indexHref}}">APKINDEX.tar.gz</a>)</span></h3>
<table>
<thead><tr><th>Package</th><th>Version</th><th>Size</th><th>Built</th><th>SHA-256</th></tr></thead>
<tbody>
{{#packages}}
<tr class="package">
<td><a class="name" href="{{href}}">{{name}}</a>{{#description}}<span class="description">{{description}}</span>{{/description}}</td>
<td data-label="Version" class="version">{{version}}</td>
<td data-label="Size"><data class="size" value="{{size.bytes}}">{{size.text}}</data>{{#installed}} <span class="muted">({{installed}} installed)</span>{{/installed}}</td>
<td data-label="Built">{{#built}}<time class="built" datetime="{{iso}}">{{text}}</time>{{/built}}</td>
<td data-label="SHA-256" class="sha">{{sha256}}</td>
</tr>
{{/packages}}
</tbody>
</table>
{{/architectures}}
{{/repositories}}
</section>
{{/stacks}}
</main>
<footer>
<p class="muted">Check a download with <code>sha256sum</code>; apk checks every package's signature against the key above.</p>
</footer>
</body>
</html>
`

export const README_TEMPLATE = `# {{title}}

Signed Alpine Linux packages: {{packageCount}} in all{{#updated}}, the newest built {{text}}{{/updated}}.
This repository's page: {{url}}

## Trust the signing key

Once per host, as root:

{{#keys}}
    {{command}}
{{/keys}}
{{#stacks}}

## {{label}}
{{#repositories}}

Add the repository {{url}} and install:

{{#commands}}
    {{.}}
{{/commands}}
{{#architectures}}

### {{arch}}

{{#packages}}
- {{name}} {{version}}: {{size.text}}{{#installed}} ({{installed}} installed){{/installed}}{{#built}}, built {{text}}{{/built}}
  {{#description}}{{description}}
  {{/description}}sha256 {{sha256}}
{{/packages}}
{{/architectures}}
{{/repositories}}
{{/stacks}}
`
