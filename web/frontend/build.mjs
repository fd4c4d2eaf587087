// build.mjs copies the third-party browser code meetpin serves into
// web/static/dist/ (git-ignored; embedded into the binary by web/static.go):
//   map.js   Leaflet + leaflet.markercluster, already minified upstream
//   map.css  their stylesheets, with comments and blank space removed
//   images/  Leaflet's default images, referenced by map.css
// It uses nothing but Node's standard library, so `npm ci` plus this script
// is the whole build.
import { readFileSync, writeFileSync, mkdirSync, rmSync, cpSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const mod = (p) => join(here, "node_modules", p);
const out = join(here, "..", "static", "dist");

const dropSourceMap = (s) => s.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
const minifyCSS = (s) =>
  s
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\s+/g, " ")
    .replace(/\s*([{};:,>])\s*/g, "$1")
    .replace(/;}/g, "}")
    .trim();

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const js = [mod("leaflet/dist/leaflet.js"), mod("leaflet.markercluster/dist/leaflet.markercluster.js")]
  .map((f) => dropSourceMap(readFileSync(f, "utf8")))
  .join(";\n");
const css = [
  mod("leaflet/dist/leaflet.css"),
  mod("leaflet.markercluster/dist/MarkerCluster.css"),
  mod("leaflet.markercluster/dist/MarkerCluster.Default.css"),
]
  .map((f) => minifyCSS(readFileSync(f, "utf8")))
  .join("\n");

writeFileSync(join(out, "map.js"), js);
writeFileSync(join(out, "map.css"), css);
cpSync(mod("leaflet/dist/images"), join(out, "images"), { recursive: true });

const pkg = (name) => JSON.parse(readFileSync(mod(name + "/package.json"), "utf8")).version;
writeFileSync(
  join(out, "VERSIONS"),
  `leaflet ${pkg("leaflet")}\nleaflet.markercluster ${pkg("leaflet.markercluster")}\n`,
);
for (const [name, body] of [["map.js", js], ["map.css", css]]) {
  console.log(`assets: dist/${name} ${body.length} bytes, ${gzipSync(body).length} gzip`);
}
