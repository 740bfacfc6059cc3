#!/usr/bin/env bash
# Install the pinned web assets (package-lock.json) and copy the files the HTML pages load
# into book/_vendor/vendor/. _config.yml publishes book/_vendor/ with html_extra_path, so the
# built site serves them at <html>/vendor/ and no page needs a CDN. Run by `make setup`.
set -euo pipefail
web=$(cd "$(dirname "$0")" && pwd)
out="$web/../_vendor/vendor"
nm="$web/node_modules"

(cd "$web" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)

rm -rf "$out"
mkdir -p "$out/mathjax" "$out/widgets"

# MathJax 3 (not 4: it fetches fonts from a CDN): the component Sphinx uses, and the parts it
# loads on demand (TeX extensions, CHTML fonts, menu, accessibility).
cp "$nm/mathjax/es5/tex-mml-chtml.js" "$nm/mathjax/LICENSE" "$out/mathjax/"
cp -r "$nm/mathjax/es5/"{input,output,ui,a11y,adaptors,sre} "$out/mathjax/"

# ipywidgets 8 embed manager (bundles the base/controls/output widgets) with its fonts,
# RequireJS (which embed-amd.js needs) and our small config script.
hm="$nm/@jupyter-widgets/html-manager"
cp "$hm/dist/embed-amd.js" "$hm/dist/"*.{woff2,woff,ttf,eot,svg} "$out/widgets/"
cp "$hm/LICENSE" "$out/widgets/LICENSE.html-manager"
cp "$nm/requirejs/require.js" "$out/widgets/"
cp "$web/widgets-config.js" "$out/widgets/"

# Written last: the Makefile uses it as the stamp of a complete copy.
(cd "$web" && node -e '
  const lock = require("./package-lock.json").packages;
  for (const name of Object.keys(require("./package.json").dependencies))
    console.log(name + "@" + lock["node_modules/" + name].version);') > "$out/VERSIONS.txt"
echo "web assets: $(tr '\n' ' ' < "$out/VERSIONS.txt")-> $out"
